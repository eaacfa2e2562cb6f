// Unit tests for the Aliyun RPC signature and the SendSms signed query, against the two worked
// examples Aliyun publishes (DescribeRegions and SendSms), plus encoding and JSON edge cases.
#include <gtest/gtest.h>

#include "notify/signing/aliyun.h"

namespace nm::signing {
namespace {

// Aliyun "Request signatures" (https://www.alibabacloud.com/help/doc-detail/28139.htm), example:
// AccessKeyId testid, AccessKeySecret testsecret, DescribeRegions; published signature
// OLeaidS1JvxuMvnyHOwuJ+uX5qY=. Parameters deliberately out of order.
TEST(AliyunSignature, DescribeRegionsDocumentationExample) {
  QueryParams p{{"Timestamp", "2016-02-23T12:46:24Z"},
                {"Format", "XML"},
                {"AccessKeyId", "testid"},
                {"Action", "DescribeRegions"},
                {"SignatureMethod", "HMAC-SHA1"},
                {"SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"},
                {"Version", "2014-05-26"},
                {"SignatureVersion", "1.0"}};
  EXPECT_EQ(aliyunStringToSign("GET", p),
            "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML"
            "%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"
            "%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z"
            "%26Version%3D2014-05-26");
  EXPECT_EQ(aliyunSignature("GET", p, "testsecret"), "OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
}

TEST(AliyunSignature, ExistingSignatureParameterIsIgnored) {
  QueryParams p{{"Action", "X"}, {"Signature", "old"}};
  EXPECT_EQ(aliyunCanonicalizedQuery(p), "Action=X");
}

// Aliyun SMS "签名机制" SendSms example (https://help.aliyun.com/document_detail/56189.html):
// AccessKeyId testId, AccessKeySecret testSecret; published StringToSign, Signature
// zJDF+Lrzhj/ThnlvIToysFRq6t4= and the signed GET URL.
TEST(AliyunSendSms, DocumentationExample) {
  AliyunSendSms req;
  req.accessKeyId = "testId";
  req.accessKeySecret = "testSecret";
  req.phoneNumbers = {"15300000001"};
  req.signName = "阿里云短信测试专用";
  req.templateCode = "SMS_71390007";
  req.templateParam = {{"customer", "test"}};
  req.signatureNonce = "45e25e9b-0a6f-4070-8c85-2956eda1b466";
  req.timestamp = "2017-07-12T02:42:19Z";
  req.regionId = "cn-hangzhou";
  req.format = "XML";
  req.outId = "123";

  QueryParams params = aliyunSendSmsParams(req);
  EXPECT_EQ(aliyunStringToSign("GET", params),
            "GET&%2F&AccessKeyId%3DtestId%26Action%3DSendSms%26Format%3DXML%26OutId%3D123"
            "%26PhoneNumbers%3D15300000001%26RegionId%3Dcn-hangzhou%26SignName%3D%25E9%2598%25BF"
            "%25E9%2587%258C%25E4%25BA%2591%25E7%259F%25AD%25E4%25BF%25A1%25E6%25B5%258B%25E8%25AF"
            "%2595%25E4%25B8%2593%25E7%2594%25A8%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce"
            "%3D45e25e9b-0a6f-4070-8c85-2956eda1b466%26SignatureVersion%3D1.0%26TemplateCode"
            "%3DSMS_71390007%26TemplateParam%3D%257B%2522customer%2522%253A%2522test%2522%257D"
            "%26Timestamp%3D2017-07-12T02%253A42%253A19Z%26Version%3D2017-05-25");
  EXPECT_EQ(aliyunSignature("GET", params, "testSecret"), "zJDF+Lrzhj/ThnlvIToysFRq6t4=");
  EXPECT_EQ(aliyunSendSmsQuery(req),
            "Signature=zJDF%2BLrzhj%2FThnlvIToysFRq6t4%3D&AccessKeyId=testId&Action=SendSms"
            "&Format=XML&OutId=123&PhoneNumbers=15300000001&RegionId=cn-hangzhou"
            "&SignName=%E9%98%BF%E9%87%8C%E4%BA%91%E7%9F%AD%E4%BF%A1%E6%B5%8B%E8%AF%95%E4%B8%93"
            "%E7%94%A8&SignatureMethod=HMAC-SHA1"
            "&SignatureNonce=45e25e9b-0a6f-4070-8c85-2956eda1b466&SignatureVersion=1.0"
            "&TemplateCode=SMS_71390007&TemplateParam=%7B%22customer%22%3A%22test%22%7D"
            "&Timestamp=2017-07-12T02%3A42%3A19Z&Version=2017-05-25");
}

TEST(AliyunSendSms, DefaultsJoinedNumbersAndNoOptionalParams) {
  AliyunSendSms req;
  req.accessKeyId = "id";
  req.phoneNumbers = {"13800000000", "13900000000"};
  req.signName = "s";
  req.templateCode = "t";
  req.signatureNonce = "n";
  req.timestamp = "2024-01-01T00:00:00Z";
  std::string q = aliyunSendSmsQuery(req);
  EXPECT_NE(q.find("&Format=JSON&"), std::string::npos);
  EXPECT_NE(q.find("&PhoneNumbers=13800000000%2C13900000000&"), std::string::npos);
  EXPECT_NE(q.find("&RegionId=cn-hangzhou&"), std::string::npos);
  EXPECT_EQ(q.find("TemplateParam"), std::string::npos);
  EXPECT_EQ(q.find("OutId"), std::string::npos);
}

TEST(AliyunSendSms, EmptySecretStillSignsWithTheAmpersandKey) {
  QueryParams p{{"Action", "SendSms"}};
  // base64(HMAC-SHA1("&", "GET&%2F&Action%3DSendSms")), cross-checked with
  // printf 'GET&%%2F&Action%%3DSendSms' | openssl dgst -sha1 -hmac '&' -binary | openssl base64
  EXPECT_EQ(aliyunSignature("GET", p, ""), "1nBoK62rhGPPAcrgyVVjgkXQvGw=");
}

TEST(AliyunTemplateParam, IsValidEscapedJson) {
  EXPECT_EQ(aliyunTemplateParamJson({{"code", "a \"quoted\"\nline\\ 告警\t"}}),
            "{\"code\":\"a \\\"quoted\\\"\\nline\\\\ 告警\\t\"}");
  EXPECT_EQ(aliyunTemplateParamJson({{"a", "1"}, {"b", ""}}), "{\"a\":\"1\",\"b\":\"\"}");
  EXPECT_EQ(aliyunTemplateParamJson({}), "{}");
}

TEST(AliyunPercentEncode, PopRules) {
  EXPECT_EQ(aliyunPercentEncode("a b*c~d+e"), "a%20b%2Ac~d%2Be");
  EXPECT_EQ(aliyunPercentEncode("2016-02-23T12:46:24Z"), "2016-02-23T12%3A46%3A24Z");
}

}  // namespace
}  // namespace nm::signing
