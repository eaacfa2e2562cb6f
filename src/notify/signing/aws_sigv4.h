// AWS Signature Version 4 request signing (for SNS Publish over a POST form or query), with an
// optional session token. Implements "Create a signed AWS API request" / "Signature Version 4
// signing process": https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nm::signing {

using AwsParams = std::vector<std::pair<std::string, std::string>>;

struct AwsSigV4Request {
  std::string method = "POST";
  std::string host;        // "sns.us-east-1.amazonaws.com"; always signed
  std::string path = "/";  // unencoded; sent as awsRequestPath()
  AwsParams query;         // unencoded names and values
  AwsParams headers;       // further headers to sign, e.g. {"Content-Type", "..."}
  std::string payload;     // the exact body bytes ("" for none)
  std::string accessKeyId;
  std::string secretAccessKey;
  std::string sessionToken;  // when set, sent and signed as X-Amz-Security-Token
  std::string region;        // "us-east-1"
  std::string service;       // "sns"
  std::string amzDate;       // X-Amz-Date, "20150830T123600Z" (see amzDate())
};

// Query sorted by encoded name then value, names and values RFC 3986-encoded, "k=v&...".
std::string awsCanonicalQuery(const AwsParams& query);
// The path as it goes on the wire (each segment percent-encoded, '/' kept; "" → "/").
std::string awsRequestPath(const AwsSigV4Request& r);
// Lowercase names, sorted, ';'-joined: host, x-amz-date, x-amz-security-token (with a token)
// and the request's headers.
std::string awsSignedHeaders(const AwsSigV4Request& r);
// method\ncanonical URI\ncanonical query\ncanonical headers\n\nsigned headers\nhex sha256(payload)
// The canonical URI is the wire path encoded once more, except for S3 (AWS's rule).
std::string awsCanonicalRequest(const AwsSigV4Request& r);
// "<yyyymmdd>/<region>/<service>/aws4_request"
std::string awsCredentialScope(const AwsSigV4Request& r);
// "AWS4-HMAC-SHA256\n<amzDate>\n<scope>\n<hex sha256(canonical request)>"
std::string awsStringToSign(const AwsSigV4Request& r);
// Raw key: HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
std::string awsSigningKey(std::string_view secretAccessKey, std::string_view date,
                          std::string_view region, std::string_view service);
// Lowercase hex HMAC-SHA256(signing key, string to sign).
std::string awsSignature(const AwsSigV4Request& r);
// "AWS4-HMAC-SHA256 Credential=<id>/<scope>, SignedHeaders=<list>, Signature=<sig>"
std::string awsAuthorization(const AwsSigV4Request& r);
// Headers to add besides Host and the request's own: X-Amz-Date, X-Amz-Security-Token (with a
// token), Authorization.
AwsParams awsSigV4Headers(const AwsSigV4Request& r);

// SNS Publish to one phone number, as a form body:
// "Action=Publish&Message=<enc>&PhoneNumber=<enc>&Version=2010-03-31"; send it with
// kAwsFormContentType. (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html)
inline constexpr std::string_view kAwsFormContentType =
    "application/x-www-form-urlencoded; charset=utf-8";
std::string awsSnsPublishBody(std::string_view phoneNumber, std::string_view message);

}  // namespace nm::signing
