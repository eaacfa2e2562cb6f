// The template data model: Go field names, KV/Pairs methods (SortedPairs order, Filter,
// DefaultFilter, Remove, Names, Values), Message fallbacks, receiver label, times and Status.
#include <gtest/gtest.h>

#include "render_fixtures.h"

using namespace nm;
using namespace nm::render;
using namespace nm::render::testing;

namespace {

std::string r(std::string_view tmpl, const Data& d, const char* lang = "English") {
  return renderWith(*rendererFor(lang, "{{ define \"t\" }}" + std::string(tmpl) + "{{ end }}"), "t",
                    d);
}

Data sample() {
  return makeData({makeAlert({{"severity", "critical"},
                              {"alertname", "Zeta"},
                              {"rule_id", "hidden"},
                              {"a", "1"},
                              {"receiver", "own"}},
                             {{"summary", "sum"},
                              {"summaryCn", "中文"},
                              {"runbook_url", "u"},
                              {"message", ""},
                              {"b", "2"}},
                             AlertStatus::Firing, "2024-05-01T10:00:00.5Z"),
                   makeAlert({{"alertname", "Other"}}, {{"message", "msg"}}, AlertStatus::Resolved,
                             "2024-05-01T09:00:00Z", "2024-05-01T11:30:00Z")},
                  {{"alertname", "Zeta"}}, "team-a");
}

}  // namespace

TEST(TemplateData, SortedPairsPutsAlertnameFirstAndHidesRuleId) {
  Data d = sample();
  EXPECT_EQ(
      r("{{ range (index .Alerts 0).Labels.SortedPairs }}{{ .Name }}={{ .Value }};{{ end }}", d),
      "alertname=Zeta;a=1;receiver=own;severity=critical;");
  EXPECT_EQ(r("{{ (index .Alerts 0).Labels.Names }}|{{ (index .Alerts 0).Labels.Values }}", d),
            "[alertname a receiver severity]|[Zeta 1 own critical]");
  EXPECT_EQ(r("{{ printf \"%T %T %T\" .GroupLabels .GroupLabels.SortedPairs (index "
              ".GroupLabels.SortedPairs 0) }}",
              d),
            "template.KV template.Pairs template.Pair");
  EXPECT_EQ(r("{{ .GroupLabels.SortedPairs }}", d), "[{alertname Zeta}]");
}

TEST(TemplateData, ReceiverLabelAddedOnlyWhenMissing) {
  Data d = sample();
  EXPECT_EQ(r("{{ range .Alerts }}{{ .Labels.receiver }},{{ end }}", d), "own,team-a,");
}

TEST(TemplateData, FilterRemovesNamedPairsAndDefaultFilterHidesTheReferenceSet) {
  Data d = sample();
  EXPECT_EQ(r("{{ (index .Alerts 0).Annotations.SortedPairs.Filter \"b\" \"summary\" }}", d),
            "[{message } {runbook_url u} {summaryCn 中文}]");
  EXPECT_EQ(r("{{ (index .Alerts 0).Annotations.SortedPairs.DefaultFilter.Names }}", d),
            "[b summaryCn]");
  EXPECT_EQ(r("{{ (index .Alerts 0).Annotations.SortedPairs.Filter.Names }}", d),
            "[b message runbook_url summary summaryCn]");
  EXPECT_EQ(r("{{ ((index .Alerts 0).Annotations.SortedPairs.Filter \"b\").Values }}", d),
            "[ u sum 中文]");
}

TEST(TemplateData, RemoveReturnsACopyWithoutKeys) {
  Data d = sample();
  EXPECT_EQ(r("{{ ((index .Alerts 0).Labels.Remove (stringSlice \"a\" \"severity\")).Names }} "
              "{{ (index .Alerts 0).Labels.Names }}",
              d),
            "[alertname receiver] [alertname a receiver severity]");
}

TEST(TemplateData, MessageFallbacks) {
  Data d = sample();
  // message empty → summary; MessageCN: summaryCn first.
  EXPECT_EQ(r("{{ range .Alerts }}{{ .Message }}/{{ .MessageCN }};{{ end }}", d),
            "sum/中文;msg/msg;");
  EXPECT_EQ(r("{{ range .Alerts }}{{ message . }};{{ end }}", d), "sum;msg;");
  EXPECT_EQ(r("{{ range .Alerts }}{{ message . }};{{ end }}", d, "zh-cn"), "中文;msg;");
  Data only = makeData({makeAlert({{"alertname", "x"}}, {{"summaryCn", "cn"}})}, {});
  EXPECT_EQ(r("{{ range .Alerts }}{{ .Message }}/{{ .MessageCN }}{{ end }}", only), "cn/cn");
}

TEST(TemplateData, FiringResolvedAndStatus) {
  Data d = sample();
  EXPECT_EQ(r("{{ len .Alerts.Firing }} {{ len .Alerts.Resolved }} [{{ .Status }}] {{ printf "
              "\"%T\" .Alerts.Firing }}",
              d),
            "1 1 [] []*template.Alert");
  Data firing = oneAlert();
  EXPECT_EQ(r("{{ .Status }}", firing), "firing");
  Data resolved = makeData({podAlert("p", "m", AlertStatus::Resolved)}, {});
  EXPECT_EQ(r("{{ .Status }} {{ .Alerts.Firing }}", resolved), "resolved []");
  EXPECT_EQ(r("{{ .Status }}", makeData({}, {})), "firing");
}

TEST(TemplateData, AlertFieldsAsGo) {
  Data d = sample();
  EXPECT_EQ(r("{{ with index .Alerts 1 }}{{ .Status }} {{ .StartsAt }} | {{ .EndsAt }} | "
              "{{ .GeneratorURL }} {{ len .Fingerprint }} {{ len .ID }}{{ end }}",
              d),
            "resolved 2024-05-01 09:00:00 +0000 UTC | 2024-05-01 11:30:00 +0000 UTC | "
            "http://prometheus/graph 16 16");
  EXPECT_EQ(r("{{ (index .Alerts 0).StartsAt }} {{ (index .Alerts 0).EndsAt }}", d),
            "2024-05-01 10:00:00.5 +0000 UTC 0001-01-01 00:00:00 +0000 UTC");
  EXPECT_EQ(r("{{ (index .Alerts 0).StartsAt.Unix }} {{ (index .Alerts 0).EndsAt.IsZero }}", d),
            "1714557600 true");
  EXPECT_EQ(r("{{ .Receiver }} {{ .CommonLabels.alertname }}|{{ .CommonAnnotations }}", d),
            "team-a |map[]");
}

TEST(TemplateData, TimesKeepTheOffsetTheSenderWrote) {
  // As Go 1.19 prints time.Parse(time.RFC3339, …) in a UTC container: a "+08:00" time is in a
  // zone without a name, "+00:00" and "Z" are UTC.
  Data d = makeData(
      {makeAlert({{"alertname", "A"}}, {}, AlertStatus::Resolved, "2026-11-25T18:00:00+08:00",
                 "2026-11-25T04:30:00.5-05:30"),
       makeAlert({{"alertname", "B"}}, {}, AlertStatus::Firing, "2026-11-25T10:00:00+00:00")},
      {});
  EXPECT_EQ(
      r("{{ with index .Alerts 0 }}{{ .StartsAt }} | {{ .EndsAt }} | "
        "{{ .StartsAt.Format \"2006-01-02 15:04:05 MST\" }} | {{ toJson .StartsAt }}{{ end }}",
        d),
      "2026-11-25 18:00:00 +0800 +0800 | 2026-11-25 04:30:00.5 -0530 -0530 | "
      "2026-11-25 18:00:00 +0800 | \"2026-11-25T18:00:00+08:00\"");
  EXPECT_EQ(r("{{ (index .Alerts 1).StartsAt }}", d), "2026-11-25 10:00:00 +0000 UTC");
  EXPECT_EQ(r("{{ (index .Alerts 0).StartsAt.Unix }}", d), "1795600800");
}

TEST(TemplateData, UnknownFieldIsAnExecError) {
  RenderResult res =
      rendererFor("English", "{{ define \"x\" }}{{ .Nope }}{{ end }}")->render("x", sample());
  EXPECT_FALSE(res.ok());
  EXPECT_NE(res.error.find("can't evaluate field Nope in type *template.Data"), std::string::npos)
      << res.error;
}
