// Unit tests of the ingest decoder: both body formats, per-field errors with their paths, label
// cleanup, status derivation, normalization (cluster, alerttime) and identity.
#include "ingest/alert_decoder.h"

#include <gtest/gtest.h>

#include <string>

namespace nm::ingest {
namespace {

const TimePoint kNow = *parseRfc3339("2024-05-01T12:00:00Z");

DecodeResult decode(std::string_view body, std::string_view cluster = "c1") {
  DecodeOptions o;
  o.cluster = cluster;
  o.now = kNow;
  return decodeAlerts(body, o);
}

bool hasError(const DecodeResult& r, std::string_view text) {
  for (const auto& e : r.errors)
    if (e == text) return true;
  return false;
}

std::string errorsOf(const DecodeResult& r) {
  std::string s;
  for (const auto& e : r.errors) s += e + "\n";
  return s;
}

TEST(AlertDecoder, AlertmanagerWebhookObject) {
  auto r = decode(R"({"receiver":"nm","status":"firing","version":"4","groupLabels":{},
    "alerts":[{"status":"firing","labels":{"alertname":"A","severity":"critical"},
               "annotations":{"summary":"s"},"startsAt":"2024-05-01T11:00:00Z",
               "endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://prom/g","fingerprint":"x"},
              {"status":"resolved","labels":{"alertname":"B"},
               "startsAt":"2024-05-01T10:00:00Z","endsAt":"2024-05-01T11:30:00+01:00"}]})");
  ASSERT_TRUE(r.ok()) << r.fatal;
  ASSERT_EQ(r.alerts.size(), 2u) << errorsOf(r);
  EXPECT_TRUE(r.errors.empty());
  const Alert& a = *r.alerts[0];
  EXPECT_EQ(a.labels.get("alertname"), "A");
  EXPECT_EQ(a.labels.get("severity"), "critical");
  EXPECT_EQ(a.annotations.get("summary"), "s");
  EXPECT_EQ(a.status, AlertStatus::Firing);
  EXPECT_EQ(formatRfc3339(a.startsAt), "2024-05-01T11:00:00Z");
  EXPECT_EQ(a.endsAt, kZeroTime);
  EXPECT_EQ(a.generatorURL, "http://prom/g");
  EXPECT_EQ(a.receivedAt, kNow);
  const Alert& b = *r.alerts[1];
  EXPECT_EQ(b.status, AlertStatus::Resolved);
  EXPECT_EQ(formatRfc3339(b.endsAt), "2024-05-01T10:30:00Z");
}

TEST(AlertDecoder, TimesKeepTheSendersOffset) {
  auto r = decode(R"([{"labels":{"alertname":"A"},"startsAt":"2024-05-01T19:00:00+08:00",
                       "endsAt":"2024-05-01T19:30:00+08:00"},
                      {"labels":{"alertname":"B"},"endsAt":"2024-05-01T06:00:00-05:00"},
                      {"labels":{"alertname":"C"},"status":"resolved"}])");
  ASSERT_EQ(r.alerts.size(), 3u) << errorsOf(r);
  EXPECT_EQ(formatRfc3339(r.alerts[0]->startsAt), "2024-05-01T11:00:00Z");
  EXPECT_EQ(r.alerts[0]->startsAtOffset, 8 * 3600);
  EXPECT_EQ(r.alerts[0]->endsAtOffset, 8 * 3600);
  // startsAt taken from a past endsAt keeps that offset; times filled with now are UTC.
  EXPECT_EQ(r.alerts[1]->startsAtOffset, -5 * 3600);
  EXPECT_EQ(r.alerts[2]->startsAtOffset, 0);
  EXPECT_EQ(r.alerts[2]->endsAtOffset, 0);
}

TEST(AlertDecoder, PrometheusArrayOfPostableAlerts) {
  auto r = decode(R"([{"labels":{"alertname":"A"},"annotations":{"d":"x"},
                      "startsAt":"2024-05-01T11:59:00Z","generatorURL":"g"},
                     {"labels":{"alertname":"B"}}])");
  ASSERT_TRUE(r.ok()) << r.fatal;
  ASSERT_EQ(r.alerts.size(), 2u) << errorsOf(r);
  EXPECT_EQ(r.alerts[0]->annotations.get("d"), "x");
  EXPECT_EQ(r.alerts[1]->startsAt, kNow);  // missing startsAt -> now
  EXPECT_EQ(r.alerts[1]->status, AlertStatus::Firing);
}

TEST(AlertDecoder, EmptyListsAreNotErrors) {
  auto a = decode(R"({"alerts":[]})");
  EXPECT_TRUE(a.ok());
  EXPECT_TRUE(a.alerts.empty());
  auto b = decode("[]");
  EXPECT_TRUE(b.ok());
  EXPECT_TRUE(b.alerts.empty());
}

TEST(AlertDecoder, FatalErrors) {
  EXPECT_EQ(decode("").fatal, "empty body");
  EXPECT_NE(decode("{\"alerts\":[").fatal.find("invalid JSON"), std::string::npos);
  EXPECT_EQ(decode(R"({"alerts":{}})").fatal, "alerts: expected an array");
  EXPECT_NE(decode(R"({"receiver":"x"})").fatal.find("\"alerts\""), std::string::npos);
  EXPECT_NE(decode("42").fatal.find("expected"), std::string::npos);
}

TEST(AlertDecoder, InvalidUtf8IsFatal) {
  std::string body = "[{\"labels\":{\"alertname\":\"a\xff\xfe\"}}]";
  EXPECT_EQ(decode(body).fatal, "invalid UTF-8 in body");
}

TEST(AlertDecoder, FieldErrorsNameThePath) {
  auto r = decode(R"({"alerts":[
      {"labels":{"alertname":"ok"}},
      "not an object",
      {"annotations":{}},
      {"labels":{"alertname":"x","severity":3}},
      {"labels":[]},
      {"labels":{"alertname":"x"},"annotations":{"a":1}},
      {"labels":{"alertname":"x"},"status":"pending"},
      {"labels":{"alertname":"x"},"startsAt":"yesterday"},
      {"labels":{"alertname":"x"},"endsAt":17},
      {"labels":{"alertname":"x"},"generatorURL":false},
      {"labels":{"":"v","a":"b"}},
      {"labels":{"alertname":"x"},"startsAt":"2024-05-01T11:00:00Z","endsAt":"2024-05-01T10:00:00Z"},
      {"labels":{"alertname":"x"},"annotations":"text"}]})");
  ASSERT_TRUE(r.ok()) << r.fatal;
  EXPECT_EQ(r.alerts.size(), 1u);
  EXPECT_EQ(r.invalid, 12u);
  std::string all = errorsOf(r);
  EXPECT_TRUE(hasError(r, "alerts[1]: expected an object")) << all;
  EXPECT_TRUE(hasError(r,
                       "alerts[2].labels: missing (an object of label names to values is "
                       "required)"))
      << all;
  EXPECT_TRUE(hasError(r, "alerts[3].labels.severity: expected a string")) << all;
  EXPECT_TRUE(hasError(r, "alerts[4].labels: expected an object")) << all;
  EXPECT_TRUE(hasError(r, "alerts[5].annotations.a: expected a string")) << all;
  EXPECT_TRUE(hasError(r, "alerts[6].status: expected \"firing\" or \"resolved\"")) << all;
  EXPECT_TRUE(hasError(r, "alerts[7].startsAt: expected an RFC 3339 time, got \"yesterday\""))
      << all;
  EXPECT_TRUE(hasError(r, "alerts[8].endsAt: expected an RFC 3339 time string")) << all;
  EXPECT_TRUE(hasError(r, "alerts[9].generatorURL: expected a string")) << all;
  EXPECT_TRUE(hasError(r, "alerts[10].labels: empty name")) << all;
  EXPECT_TRUE(hasError(r, "alerts[11].endsAt: before startsAt")) << all;
  EXPECT_TRUE(hasError(r, "alerts[12].annotations: expected an object")) << all;
}

TEST(AlertDecoder, ArrayFormPathsAndElementPrefix) {
  auto r = decode(R"([{"labels":{"a":1}}])");
  EXPECT_TRUE(hasError(r, "[0].labels.a: expected a string")) << errorsOf(r);

  simdjson::dom::parser p;
  simdjson::dom::element doc = p.parse(std::string_view(R"({"alert":{"alerts":[{"labels":{}}]}})"));
  DecodeOptions o;
  o.now = kNow;
  auto e = decodeAlerts(doc["alert"].value(), o, "alert");
  EXPECT_TRUE(hasError(e,
                       "alert.alerts[0].labels: at least one label with a non-empty value is "
                       "required"))
      << errorsOf(e);
}

TEST(AlertDecoder, EmptyLabelsRejectedAndEmptyValuesRemoved) {
  auto r = decode(R"([{"labels":{}},{"labels":{"a":"","b":""}},
                      {"labels":{"alertname":"x","empty":"","n":null}}])");
  ASSERT_EQ(r.alerts.size(), 1u) << errorsOf(r);
  EXPECT_TRUE(hasError(r, "[0].labels: at least one label with a non-empty value is required"));
  EXPECT_TRUE(hasError(r, "[1].labels: at least one label with a non-empty value is required"));
  const LabelSet& l = r.alerts[0]->labels;
  EXPECT_FALSE(l.has("empty"));
  EXPECT_FALSE(l.has("n"));
  EXPECT_EQ(l.size(), 2u);  // alertname + cluster
}

TEST(AlertDecoder, DuplicateKeysAreRefusedWhereverTheyAre) {
  auto r = decode(R"({"alerts":[
      {"labels":{"a":"1","b":"x","a":"2"}},
      {"labels":{"alertname":"x"},"annotations":{"s":"1","s":"1"}},
      {"labels":{"alertname":"x"},"status":"firing","labels":{"alertname":"y"}},
      {"labels":{"alertname":"x"},"extra":{"deep":[{"k":1,"k":2}]}},
      {"labels":{"alertname":"ok","a":""}}]})");
  ASSERT_TRUE(r.ok()) << r.fatal;
  ASSERT_EQ(r.alerts.size(), 1u) << errorsOf(r);
  EXPECT_EQ(r.invalid, 4u);
  std::string all = errorsOf(r);
  EXPECT_TRUE(hasError(r, R"(alerts[0].labels["a"]: duplicate key)")) << all;
  EXPECT_TRUE(hasError(r, R"(alerts[1].annotations["s"]: duplicate key)")) << all;
  EXPECT_TRUE(hasError(r, R"(alerts[2]: duplicate key "labels")")) << all;
  EXPECT_TRUE(hasError(r, R"(alerts[3].extra.deep[0]: duplicate key "k")")) << all;
  // An empty duplicate is still a duplicate: which one wins is not for the decoder to guess.
  auto e = decode(R"([{"labels":{"alertname":"x","a":"1","a":""}}])");
  EXPECT_TRUE(hasError(e, R"([0].labels["a"]: duplicate key)")) << errorsOf(e);
}

TEST(AlertDecoder, DuplicateKeysInTheEnvelopeRejectTheBody) {
  EXPECT_EQ(decode(R"({"alerts":[],"receiver":"a","alerts":[{"labels":{"a":"b"}}]})").fatal,
            R"(body: duplicate key "alerts")");
  EXPECT_EQ(decode(R"({"groupLabels":{"g":"1","g":"2"},"alerts":[]})").fatal,
            R"(groupLabels: duplicate key "g")");
  simdjson::dom::parser p;
  simdjson::dom::element doc =
      p.parse(std::string_view(R"({"alert":{"commonLabels":{"x":"","x":""},"alerts":[]}})"));
  DecodeOptions o;
  o.now = kNow;
  EXPECT_EQ(decodeAlerts(doc["alert"].value(), o, "alert").fatal,
            R"(alert.commonLabels: duplicate key "x")");
}

TEST(AlertDecoder, DuplicateKeysInLargeObjectsAreFoundBySorting) {
  std::string labels;
  for (int i = 0; i < 40; ++i) labels += "\"l" + std::to_string(i) + "\":\"v\",";
  auto r = decode("[{\"labels\":{" + labels + "\"l7\":\"w\"}}, {\"labels\":{\"a\":\"b\"}," +
                  "\"junk\":{" + labels + "\"l39\":0}}]");
  EXPECT_TRUE(hasError(r, R"([0].labels["l7"]: duplicate key)")) << errorsOf(r);
  EXPECT_TRUE(hasError(r, R"([1].junk: duplicate key "l39")")) << errorsOf(r);
}

TEST(AlertDecoder, LabelNamesFollowThePrometheusRule) {
  auto r = decode(R"({"alerts":[
      {"labels":{"alertname":"ok","_x":"1","A_Z09":"2","a9":"3"}},
      {"labels":{"alertname":"x","alert name!":"v"}},
      {"labels":{"alertname":"x","1abc":"v"}},
      {"labels":{"alertname":"x","a-b":"v"}},
      {"labels":{"alertname":"x","é":"v"}},
      {"labels":{"alertname":"x","a.b":"v"}},
      {"labels":{"alertname":"x","say \"hi\"\n":"v"}},
      {"labels":{"alertname":"x"},"annotations":{"run book":"v"}},
      {"labels":{"alertname":"empty values are dropped before the check","bad name":""}}]})");
  ASSERT_TRUE(r.ok()) << r.fatal;
  std::string all = errorsOf(r);
  ASSERT_EQ(r.alerts.size(), 2u) << all;
  EXPECT_EQ(r.invalid, 7u);
  EXPECT_TRUE(hasError(r, R"(alerts[1].labels["alert name!"]: invalid label name)")) << all;
  EXPECT_TRUE(hasError(r, R"(alerts[2].labels["1abc"]: invalid label name)")) << all;
  EXPECT_TRUE(hasError(r, R"(alerts[3].labels["a-b"]: invalid label name)")) << all;
  EXPECT_TRUE(hasError(r, R"(alerts[4].labels["é"]: invalid label name)")) << all;
  EXPECT_TRUE(hasError(r, R"(alerts[5].labels["a.b"]: invalid label name)")) << all;
  EXPECT_TRUE(hasError(r, R"(alerts[6].labels["say \"hi\"\u000a"]: invalid label name)")) << all;
  EXPECT_TRUE(hasError(r, R"(alerts[7].annotations["run book"]: invalid annotation name)")) << all;
  EXPECT_EQ(r.alerts[0]->labels.get("A_Z09"), "2");
  EXPECT_FALSE(r.alerts[1]->labels.has("bad name"));
}

TEST(AlertDecoder, BadEntriesOfOneMapAreListedUpToALimit) {
  auto r = decode(R"([{"labels":{"a":"1","b-1":"","b-2":"x","b-3":"x","b-4":"x","b-5":"x",
                                 "b-6":"x","b-7":"x"}}])");
  EXPECT_EQ(r.errors.size(), 6u) << errorsOf(r);
  EXPECT_TRUE(hasError(r, R"([0].labels["b-2"]: invalid label name)")) << errorsOf(r);
  EXPECT_TRUE(hasError(r, "[0].labels: 1 more invalid entries not listed")) << errorsOf(r);
}

TEST(AlertDecoder, LabelCountIsBounded) {
  DecodeOptions o;
  o.now = kNow;
  o.maxLabelsPerAlert = 3;
  auto r = decodeAlerts(R"([{"labels":{"a":"1","b":"2","c":"3"}},
                            {"labels":{"a":"1","b":"2","c":"3","d":"4"}}])",
                        o);
  ASSERT_EQ(r.alerts.size(), 1u) << errorsOf(r);
  EXPECT_TRUE(
      hasError(r, "[1].labels: 4 labels, over the limit of 3 (--webhook.max-labels-per-alert)"))
      << errorsOf(r);

  // The default takes 1000 and refuses 10,000.
  auto body = [](int n) {
    std::string b = "[{\"labels\":{";
    for (int i = 0; i < n; ++i) b += (i ? ",\"l" : "\"l") + std::to_string(i) + "\":\"v\"";
    return b + "}}]";
  };
  auto ok = decode(body(1000));
  EXPECT_EQ(ok.alerts.size(), 1u) << errorsOf(ok);
  auto big = decode(body(10000));
  EXPECT_TRUE(hasError(
      big, "[0].labels: 10000 labels, over the limit of 1000 (--webhook.max-labels-per-alert)"))
      << errorsOf(big);
}

TEST(AlertDecoder, LabelValueBytesAreBounded) {
  DecodeOptions o;
  o.now = kNow;
  o.maxLabelValueBytes = 8;
  auto r = decodeAlerts(R"([{"labels":{"a":"12345678"}},{"labels":{"a":"123456789"}},
                            {"labels":{"a":"1"},"annotations":{"long":"annotations are not bounded"}}])",
                        o);
  ASSERT_EQ(r.alerts.size(), 2u) << errorsOf(r);
  EXPECT_TRUE(hasError(r, R"([1].labels["a"]: value of 9 bytes, over the limit of 8 )"
                          R"((--webhook.max-label-value-bytes))"))
      << errorsOf(r);
  auto d = decode("[{\"labels\":{\"a\":\"" + std::string(65536, 'x') +
                  "\"}},{\"labels\":{\"a\":\"" + std::string(65537, 'x') + "\"}}]");
  EXPECT_EQ(d.alerts.size(), 1u) << errorsOf(d);
  EXPECT_EQ(d.invalid, 1u);
}

TEST(AlertDecoder, LongKeysAreCutInMessagesAtACharacterBoundary) {
  std::string key = std::string(63, 'a') + "é" + std::string(10, 'b') + "-";
  auto r = decode("[{\"labels\":{\"" + key + "\":\"v\"}}]");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0], "[0].labels[\"" + std::string(63, 'a') + "...\"]: invalid label name");
}

TEST(AlertDecoder, StatusDerivation) {
  auto r = decode(R"([
    {"labels":{"n":"past"},"endsAt":"2024-05-01T11:00:00Z"},
    {"labels":{"n":"future"},"endsAt":"2024-05-01T13:00:00Z"},
    {"labels":{"n":"exactly-now"},"endsAt":"2024-05-01T12:00:00Z"},
    {"labels":{"n":"zero"},"endsAt":"0001-01-01T00:00:00Z"},
    {"labels":{"n":"explicit-firing"},"status":"firing","endsAt":"2024-05-01T11:00:00Z"},
    {"labels":{"n":"explicit-resolved"},"status":"resolved"}])");
  ASSERT_EQ(r.alerts.size(), 6u) << errorsOf(r);
  EXPECT_EQ(r.alerts[0]->status, AlertStatus::Resolved);
  EXPECT_EQ(formatRfc3339(r.alerts[0]->startsAt), "2024-05-01T11:00:00Z");
  EXPECT_EQ(r.alerts[1]->status, AlertStatus::Firing);
  EXPECT_EQ(r.alerts[1]->startsAt, kNow);
  EXPECT_EQ(r.alerts[2]->status, AlertStatus::Resolved);
  EXPECT_EQ(r.alerts[3]->status, AlertStatus::Firing);
  EXPECT_EQ(r.alerts[4]->status, AlertStatus::Firing);
  EXPECT_EQ(r.alerts[5]->status, AlertStatus::Resolved);
  EXPECT_EQ(r.alerts[5]->endsAt, kNow);
}

TEST(AlertDecoder, ClusterNormalization) {
  auto r = decode(R"([{"labels":{"alertname":"a"}},{"labels":{"alertname":"b","cluster":"own"}}])",
                  "fallback");
  ASSERT_EQ(r.alerts.size(), 2u);
  EXPECT_EQ(r.alerts[0]->labels.get("cluster"), "fallback");
  EXPECT_EQ(r.alerts[1]->labels.get("cluster"), "own");
  auto none = decode(R"([{"labels":{"alertname":"a"}}])", "");
  EXPECT_FALSE(none.alerts[0]->labels.has("cluster"));
}

TEST(AlertDecoder, MetricAlertsGetAlertTime) {
  auto r = decode(R"([{"labels":{"alertname":"a","alerttype":"metric"},
                       "annotations":{"alerttime":"old"}},
                      {"labels":{"alertname":"b","alerttype":"event"}}])");
  ASSERT_EQ(r.alerts.size(), 2u);
  EXPECT_EQ(r.alerts[0]->annotations.get("alerttime"), "2024-05-01T12:00:00Z");
  EXPECT_FALSE(r.alerts[1]->annotations.has("alerttime"));
}

TEST(AlertDecoder, FingerprintEqualsLabelsFingerprint) {
  auto r =
      decode(R"([{"labels":{"z":"1","alertname":"a","m":"x"},"startsAt":"2024-05-01T11:00:00Z"},
                      {"labels":{"alertname":"a","m":"x","z":"1"},"startsAt":"2024-05-01T11:00:00Z"}])");
  ASSERT_EQ(r.alerts.size(), 2u);
  LabelSet expected{{"alertname", "a"}, {"m", "x"}, {"z", "1"}, {"cluster", "c1"}};
  EXPECT_EQ(r.alerts[0]->labels, expected);
  EXPECT_EQ(r.alerts[0]->fingerprint, expected.fingerprint());
  EXPECT_EQ(r.alerts[0]->fingerprint, r.alerts[0]->labels.fingerprint());
  EXPECT_EQ(r.alerts[0]->id, r.alerts[1]->id);
  EXPECT_EQ(r.alerts[0]->id.size(), 16u);
}

TEST(AlertDecoder, LabelsAreSorted) {
  auto r = decode(R"([{"labels":{"c":"3","a":"1","b":"2"}}])");
  ASSERT_EQ(r.alerts.size(), 1u);
  std::vector<std::string> names;
  for (const auto& [n, v] : r.alerts[0]->labels) names.push_back(n);
  EXPECT_EQ(names, (std::vector<std::string>{"a", "b", "c", "cluster"}));
}

TEST(AlertDecoder, LargeBodyUsesItsOwnParser) {
  std::string body = "[";
  for (int i = 0; i < 20000; ++i) {
    if (i) body += ',';
    body += R"({"labels":{"alertname":"a","i":")" + std::to_string(i) +
            R"(","pad":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}})";
  }
  body += "]";
  ASSERT_GT(body.size(), size_t{1} << 20);
  auto r = decode(body);
  EXPECT_EQ(r.alerts.size(), 20000u);
  EXPECT_EQ(r.alerts[19999]->labels.get("i"), "19999");
}

}  // namespace
}  // namespace nm::ingest
