// ParkedRecord codec: a bounds-checked reader over untrusted bytes and the matching writer; each
// alert is an alert_codec record inside a length-prefixed string.
#include "notify/parked_record.h"

#include <cstdint>

#include "core/alert_codec.h"

namespace nm {

namespace {

void putU32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void putI64(std::string& out, int64_t v) {
  const auto u = static_cast<uint64_t>(v);
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((u >> (8 * i)) & 0xff));
}

void putString(std::string& out, std::string_view s) {
  putU32(out, static_cast<uint32_t>(s.size()));
  out.append(s);
}

void putLabels(std::string& out, const LabelSet& labels) {
  putU32(out, static_cast<uint32_t>(labels.size()));
  for (const auto& [name, value] : labels) {
    putString(out, name);
    putString(out, value);
  }
}

class Reader {
 public:
  Reader(std::string_view bytes, std::string& error) : b_(bytes), error_(error) {}

  bool u8(const char* field, uint8_t& v) {
    if (!need(field, 1)) return false;
    v = static_cast<uint8_t>(b_[pos_++]);
    return true;
  }
  bool u32(const char* field, uint32_t& v) {
    if (!need(field, 4)) return false;
    v = 0;
    for (int i = 0; i < 4; ++i)
      v |= static_cast<uint32_t>(static_cast<uint8_t>(b_[pos_++])) << (8 * i);
    return true;
  }
  bool i64(const char* field, int64_t& v) {
    if (!need(field, 8)) return false;
    uint64_t u = 0;
    for (int i = 0; i < 8; ++i)
      u |= static_cast<uint64_t>(static_cast<uint8_t>(b_[pos_++])) << (8 * i);
    v = static_cast<int64_t>(u);
    return true;
  }
  bool string(const std::string& field, std::string_view& v) {
    uint32_t n = 0;
    if (!u32(field.c_str(), n)) return false;
    if (n > b_.size() - pos_) {
      fail(field, "length " + std::to_string(n) + " exceeds the " +
                      std::to_string(b_.size() - pos_) + " bytes left");
      return false;
    }
    v = b_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  bool labels(const std::string& field, LabelSet& out) {
    uint32_t n = 0;
    const size_t at = pos_;
    if (!u32(field.c_str(), n)) return false;
    if (n > (b_.size() - pos_) / 8) {  // every pair takes at least two length prefixes
      pos_ = at;
      fail(field, "count " + std::to_string(n) + " exceeds what the bytes left can hold");
      return false;
    }
    out.reserve(n);
    std::string_view prev;
    for (uint32_t i = 0; i < n; ++i) {
      const std::string f = field + "[" + std::to_string(i) + "]";
      std::string_view name, value;
      const size_t nameAt = pos_;
      if (!string(f + ".name", name) || !string(f + ".value", value)) return false;
      if (i > 0 && !(prev < name)) {
        pos_ = nameAt;
        fail(f + ".name", "names are not strictly ascending");
        return false;
      }
      prev = name;
      out.appendUnsorted(std::string(name), std::string(value));
    }
    return true;
  }
  size_t left() const { return b_.size() - pos_; }
  size_t pos() const { return pos_; }
  void fail(const std::string& field, const std::string& what) {
    error_ = field + ": " + what + " at offset " + std::to_string(pos_);
  }

 private:
  bool need(const char* field, size_t n) {
    if (b_.size() - pos_ >= n) return true;
    fail(field, "truncated, " + std::to_string(n) + " bytes needed and " +
                    std::to_string(b_.size() - pos_) + " left");
    return false;
  }

  std::string_view b_;
  std::string& error_;
  size_t pos_ = 0;
};

}  // namespace

std::string encodeParkedRecord(const ParkedRecord& r) {
  std::string out;
  out.push_back(static_cast<char>(kParkedRecordVersion));
  putString(out, r.writer);
  putString(out, r.receiverKey);
  putString(out, r.receiverName);
  putLabels(out, r.groupLabels);
  putLabels(out, r.commonLabels);
  putLabels(out, r.commonAnnotations);
  putI64(out, r.parkedAt.time_since_epoch().count());
  putU32(out, static_cast<uint32_t>(r.alerts.size()));
  std::string alert;
  for (const AlertPtr& a : r.alerts) {
    alert.clear();
    appendEncodedAlert(alert, *a);
    putString(out, alert);
  }
  return out;
}

std::optional<ParkedRecord> decodeParkedRecord(std::string_view bytes, std::string& error) {
  error.clear();
  Reader in(bytes, error);
  ParkedRecord r;
  uint8_t version = 0;
  if (!in.u8("version", version)) return std::nullopt;
  if (version != kParkedRecordVersion) {
    error = "version: " + std::to_string(version) + " is not the supported " +
            std::to_string(kParkedRecordVersion);
    return std::nullopt;
  }
  std::string_view writer, key, name;
  if (!in.string("writer", writer) || !in.string("receiverKey", key) ||
      !in.string("receiverName", name))
    return std::nullopt;
  r.writer = writer;
  r.receiverKey = key;
  r.receiverName = name;
  if (!in.labels("groupLabels", r.groupLabels) || !in.labels("commonLabels", r.commonLabels) ||
      !in.labels("commonAnnotations", r.commonAnnotations))
    return std::nullopt;
  int64_t parkedAt = 0;
  if (!in.i64("parkedAt", parkedAt)) return std::nullopt;
  r.parkedAt = TimePoint(Duration(parkedAt));
  uint32_t count = 0;
  if (!in.u32("alerts", count)) return std::nullopt;
  if (count > in.left() / 4) {
    in.fail("alerts", "count " + std::to_string(count) + " exceeds what the bytes left can hold");
    return std::nullopt;
  }
  r.alerts.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    const std::string field = "alerts[" + std::to_string(i) + "]";
    std::string_view bytesOfAlert;
    const size_t at = in.pos();
    if (!in.string(field, bytesOfAlert)) return std::nullopt;
    std::string alertError;
    std::optional<Alert> a = decodeAlert(bytesOfAlert, alertError);
    if (!a) {
      error = field + " at offset " + std::to_string(at) + ": " + alertError;
      return std::nullopt;
    }
    r.alerts.push_back(std::make_shared<const Alert>(std::move(*a)));
  }
  if (in.left() != 0) {
    in.fail("record", std::to_string(in.left()) + " trailing bytes");
    return std::nullopt;
  }
  return r;
}

}  // namespace nm
