// UTC renderings of a Unix timestamp that vendor signatures embed: the calendar date
// (Tencent's credential scope), ISO 8601 seconds (Aliyun Timestamp, Huawei Created) and AWS's
// basic format. Pure functions of their argument; callers pass the clock's value.
#pragma once

#include <cstdint>
#include <string>

namespace nm::signing {

// "2019-02-25"
std::string utcDate(int64_t unixSeconds);
// "2019-02-25T16:44:25Z"
std::string utcIso8601(int64_t unixSeconds);
// "20150830T123600Z" (AWS X-Amz-Date)
std::string amzDate(int64_t unixSeconds);

}  // namespace nm::signing
