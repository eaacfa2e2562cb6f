// AWS Signature Version 4 (see aws_sigv4.h for the vendor page): canonical request, scope,
// string to sign, key derivation and the headers to send; plus the SNS Publish form body.
#include "notify/signing/aws_sigv4.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "notify/signing/crypto.h"
#include "notify/signing/encoding.h"

namespace nm::signing {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Trim, and collapse runs of spaces into one (AWS's canonical header value rule).
std::string canonicalValue(std::string_view v) {
  std::string out;
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// Lowercase name → values in order (repeated headers are joined with ',').
std::map<std::string, std::string> canonicalHeaderMap(const AwsSigV4Request& r) {
  std::map<std::string, std::string> m;
  auto add = [&m](std::string_view name, std::string_view value) {
    auto [it, fresh] = m.try_emplace(lower(name), canonicalValue(value));
    if (!fresh) it->second += "," + canonicalValue(value);
  };
  add("host", r.host);
  add("x-amz-date", r.amzDate);
  if (!r.sessionToken.empty()) add("x-amz-security-token", r.sessionToken);
  for (const auto& [k, v] : r.headers) {
    std::string n = lower(k);
    if (n == "host" || n == "x-amz-date" || n == "x-amz-security-token") continue;
    add(n, v);
  }
  return m;
}

std::string dateOf(const AwsSigV4Request& r) {
  return r.amzDate.substr(0, 8);
}

}  // namespace

std::string awsCanonicalQuery(const AwsParams& query) {
  std::vector<std::pair<std::string, std::string>> enc;
  enc.reserve(query.size());
  for (const auto& [k, v] : query) enc.emplace_back(percentEncode(k), percentEncode(v));
  std::sort(enc.begin(), enc.end());
  std::string out;
  for (const auto& [k, v] : enc) {
    if (!out.empty()) out += '&';
    out += k + "=" + v;
  }
  return out;
}

std::string awsRequestPath(const AwsSigV4Request& r) {
  return r.path.empty() ? std::string("/") : percentEncodePath(r.path);
}

std::string awsSignedHeaders(const AwsSigV4Request& r) {
  std::string out;
  for (const auto& [k, v] : canonicalHeaderMap(r)) {
    if (!out.empty()) out += ';';
    out += k;
  }
  return out;
}

std::string awsCanonicalRequest(const AwsSigV4Request& r) {
  std::string uri = awsRequestPath(r);
  if (r.service != "s3") uri = percentEncodePath(uri);
  std::string out = r.method + "\n" + uri + "\n" + awsCanonicalQuery(r.query) + "\n";
  for (const auto& [k, v] : canonicalHeaderMap(r)) out += k + ":" + v + "\n";
  out += "\n" + awsSignedHeaders(r) + "\n" + sha256Hex(r.payload);
  return out;
}

std::string awsCredentialScope(const AwsSigV4Request& r) {
  return dateOf(r) + "/" + r.region + "/" + r.service + "/aws4_request";
}

std::string awsStringToSign(const AwsSigV4Request& r) {
  std::string out(kAlgorithm);
  out += "\n" + r.amzDate + "\n" + awsCredentialScope(r) + "\n" + sha256Hex(awsCanonicalRequest(r));
  return out;
}

std::string awsSigningKey(std::string_view secretAccessKey, std::string_view date,
                          std::string_view region, std::string_view service) {
  std::string k = "AWS4";
  k += secretAccessKey;
  std::string kDate = hmacSha256(k, date);
  std::string kRegion = hmacSha256(kDate, region);
  std::string kService = hmacSha256(kRegion, service);
  return hmacSha256(kService, "aws4_request");
}

std::string awsSignature(const AwsSigV4Request& r) {
  std::string key = awsSigningKey(r.secretAccessKey, dateOf(r), r.region, r.service);
  return hexLower(hmacSha256(key, awsStringToSign(r)));
}

std::string awsAuthorization(const AwsSigV4Request& r) {
  std::string out(kAlgorithm);
  out += " Credential=" + r.accessKeyId + "/" + awsCredentialScope(r);
  out += ", SignedHeaders=" + awsSignedHeaders(r);
  out += ", Signature=" + awsSignature(r);
  return out;
}

AwsParams awsSigV4Headers(const AwsSigV4Request& r) {
  AwsParams h{{"X-Amz-Date", r.amzDate}};
  if (!r.sessionToken.empty()) h.emplace_back("X-Amz-Security-Token", r.sessionToken);
  h.emplace_back("Authorization", awsAuthorization(r));
  return h;
}

std::string awsSnsPublishBody(std::string_view phoneNumber, std::string_view message) {
  return awsCanonicalQuery({{"Action", "Publish"},
                            {"Message", std::string(message)},
                            {"PhoneNumber", std::string(phoneNumber)},
                            {"Version", "2010-03-31"}});
}

}  // namespace nm::signing
