// The email message builder: RFC 5322 headers (RFC 2047 encoded words only for non-ASCII text,
// folded lines), MIME multipart/alternative or text/plain bodies in quoted-printable, CRLF.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"

namespace nm {

// "Display Name <local@domain>" or "local@domain". `name` is empty when there is none.
struct MailAddress {
  std::string name;
  std::string address;
};

// Parses one address; nullopt when it is not a plausible addr-spec (local@domain, no spaces or
// controls, a dotted or bracketed domain) or the display form is malformed.
std::optional<MailAddress> parseMailAddress(std::string_view text);
// The part after '@' of a bare address (for Message-ID).
std::string mailDomain(std::string_view address);

struct MimeMessage {
  MailAddress from;
  std::vector<MailAddress> to;
  std::string subject;    // single line
  std::string date;       // formatted by formatMailDate
  std::string messageId;  // "<…@…>"
  std::string text;       // the text/plain part (always present)
  std::string html;       // the text/html part; empty: a text/plain message
  std::string boundary;   // for multipart/alternative
};

// The whole message, CRLF line endings, headers and bodies; not dot-stuffed (libcurl does that).
std::string buildMimeMessage(const MimeMessage& m);

// "Name: value" folded to lines of at most 78 characters where possible. Non-ASCII text becomes
// UTF-8 B encoded words of at most 75 characters, split at character boundaries, one per line.
std::string encodeHeader(std::string_view name, std::string_view text);
// An address header: display names encoded when non-ASCII, addresses folded after commas.
std::string encodeAddressHeader(std::string_view name, const std::vector<MailAddress>& addrs);
// Quoted-printable (RFC 2045) with CRLF hard breaks (LF or CRLF in the input), lines at most 76.
std::string quotedPrintable(std::string_view body);
// RFC 5322 date in the process's local zone (TZ, via nm::localZone): "Wed, 25 Nov 2026 13:23:15
// +0000".
std::string formatMailDate(TimePoint t);
// "<hex-random.unix-nanos@domain>".
std::string makeMessageId(std::string_view domain, TimePoint t, uint64_t random);

}  // namespace nm
