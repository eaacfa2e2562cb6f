// Alert codec version 2 (version 1 still read): fixed-width little-endian integers and
// u32-length-prefixed strings, read through a bounds-checked cursor that stops at the first problem
// and names the field.
#include "core/alert_codec.h"

#include <type_traits>

namespace nm {

namespace {

// Offsets as RFC 3339 can write them (±hh:mm, hh ≤ 99); anything beyond is corrupt input.
constexpr int32_t kMaxOffsetSec = 99 * 3600 + 59 * 60;

template <typename T>
void putInt(std::string& out, T v) {
  using U = std::make_unsigned_t<T>;
  U u = static_cast<U>(v);
  for (size_t i = 0; i < sizeof(T); ++i) out.push_back(static_cast<char>((u >> (8 * i)) & 0xff));
}

void putString(std::string& out, std::string_view s) {
  putInt<uint32_t>(out, static_cast<uint32_t>(s.size()));
  out.append(s);
}

void putLabels(std::string& out, const LabelSet& set) {
  putInt<uint32_t>(out, static_cast<uint32_t>(set.size()));
  for (const auto& [name, value] : set) {
    putString(out, name);
    putString(out, value);
  }
}

int64_t toNanos(TimePoint t) {
  return t.time_since_epoch().count();
}
TimePoint fromNanos(int64_t n) {
  return TimePoint(Duration(n));
}

// A cursor over untrusted bytes: every read checks the bytes left first; the first failure
// records an error naming the field and the offset, and later reads do nothing.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  size_t left() const { return in_.size() - pos_; }
  size_t pos() const { return pos_; }

  template <typename T>
  T integer(const std::string& field) {
    if (!ok()) return T{};
    if (left() < sizeof(T)) {
      fail(field + ": needs " + std::to_string(sizeof(T)) + " bytes, " + std::to_string(left()) +
           " left");
      return T{};
    }
    using U = std::make_unsigned_t<T>;
    U u = 0;
    for (size_t i = 0; i < sizeof(T); ++i)
      u |= static_cast<U>(static_cast<uint8_t>(in_[pos_ + i])) << (8 * i);
    pos_ += sizeof(T);
    return static_cast<T>(u);
  }

  std::string string(const std::string& field) {
    uint32_t n = integer<uint32_t>(field + " length");
    if (!ok()) return {};
    if (n > left()) {
      fail(field + ": length " + std::to_string(n) + " exceeds the " + std::to_string(left()) +
           " bytes left");
      return {};
    }
    std::string s(in_.substr(pos_, n));
    pos_ += n;
    return s;
  }

  void fail(const std::string& what) {
    if (ok()) error_ = what + " (at byte " + std::to_string(pos_) + ")";
  }

 private:
  std::string_view in_;
  size_t pos_ = 0;
  std::string error_;
};

void readLabels(Reader& r, const char* field, LabelSet& out) {
  uint32_t n = r.integer<uint32_t>(std::string(field) + " count");
  if (!r.ok()) return;
  // Each pair takes at least two 4-byte lengths: a larger count cannot fit in what is left.
  if (n > r.left() / 8) {
    r.fail(std::string(field) + ": count " + std::to_string(n) + " cannot fit in the " +
           std::to_string(r.left()) + " bytes left");
    return;
  }
  out.reserve(n);
  std::string prev;
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    std::string at = std::string(field) + "[" + std::to_string(i) + "]";
    std::string name = r.string(at + ".name");
    std::string value = r.string(at + ".value");
    if (!r.ok()) return;
    if (i > 0 && name <= prev) {
      r.fail(at + ".name: \"" + name + "\" is not after \"" + prev +
             "\" (names must be unique and sorted)");
      return;
    }
    prev = name;
    out.appendUnsorted(std::move(name), std::move(value));
  }
}

int32_t readOffset(Reader& r, const char* field) {
  int32_t v = r.integer<int32_t>(field);
  if (r.ok() && (v > kMaxOffsetSec || v < -kMaxOffsetSec))
    r.fail(std::string(field) + ": " + std::to_string(v) + " s is not a UTC offset");
  return v;
}

}  // namespace

void appendEncodedAlert(std::string& out, const Alert& a) {
  out.push_back(static_cast<char>(kAlertCodecVersion));
  putLabels(out, a.labels);
  putLabels(out, a.annotations);
  out.push_back(static_cast<char>(a.status == AlertStatus::Firing ? 0 : 1));
  putInt<int64_t>(out, toNanos(a.startsAt));
  putInt<int32_t>(out, a.startsAtOffset);
  putInt<int64_t>(out, toNanos(a.endsAt));
  putInt<int32_t>(out, a.endsAtOffset);
  putString(out, a.generatorURL);
  putInt<uint64_t>(out, a.fingerprint);
  putString(out, a.id);
  putInt<int64_t>(out, toNanos(a.receivedAt));
  out.push_back(static_cast<char>(a.format));
}

std::string encodeAlert(const Alert& a) {
  std::string out;
  appendEncodedAlert(out, a);
  return out;
}

std::optional<Alert> decodeAlert(std::string_view bytes, std::string& error) {
  Reader r(bytes);
  Alert a;
  uint8_t version = r.integer<uint8_t>("version");
  if (r.ok() && version != 1 && version != kAlertCodecVersion)
    r.fail("version: " + std::to_string(version) + " is not supported (expected 1 or " +
           std::to_string(kAlertCodecVersion) + ")");
  readLabels(r, "labels", a.labels);
  readLabels(r, "annotations", a.annotations);
  uint8_t status = r.integer<uint8_t>("status");
  if (r.ok() && status > 1) r.fail("status: " + std::to_string(status) + " is neither 0 nor 1");
  a.status = status == 0 ? AlertStatus::Firing : AlertStatus::Resolved;
  a.startsAt = fromNanos(r.integer<int64_t>("startsAt"));
  a.startsAtOffset = readOffset(r, "startsAtOffset");
  a.endsAt = fromNanos(r.integer<int64_t>("endsAt"));
  a.endsAtOffset = readOffset(r, "endsAtOffset");
  a.generatorURL = r.string("generatorURL");
  a.fingerprint = r.integer<uint64_t>("fingerprint");
  a.id = r.string("id");
  a.receivedAt = fromNanos(r.integer<int64_t>("receivedAt"));
  if (version >= 2) {
    uint8_t format = r.integer<uint8_t>("format");
    if (r.ok() && format > static_cast<uint8_t>(IngestFormat::Internal))
      r.fail("format: " + std::to_string(format) + " is not an ingest format (0, 1 or 2)");
    a.format = static_cast<IngestFormat>(format);
  }
  if (r.ok() && r.left() != 0) r.fail(std::to_string(r.left()) + " trailing bytes after the alert");
  if (!r.ok()) {
    error = r.error();
    return std::nullopt;
  }
  return a;
}

}  // namespace nm
