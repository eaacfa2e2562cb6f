// Unit tests of the email message builder: encoded words and folding, quoted-printable, the date,
// the Message-ID, address parsing and the MIME structure, byte for byte.
#include <gtest/gtest.h>

#include "core/tz_env.h"
#include "notify/channels/email_mime.h"

namespace nm {
namespace {

std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (true) {
    size_t e = s.find("\r\n", pos);
    out.push_back(s.substr(pos, e == std::string::npos ? std::string::npos : e - pos));
    if (e == std::string::npos) break;
    pos = e + 2;
  }
  return out;
}

TEST(EmailMime, AsciiSubjectIsNotEncoded) {
  EXPECT_EQ(encodeHeader("Subject", "3 firing alerts for alertname=Disk"),
            "Subject: 3 firing alerts for alertname=Disk");
}

TEST(EmailMime, LongAsciiSubjectIsFoldedAtSpaces) {
  std::string words;
  for (int i = 0; i < 20; ++i) words += (i ? " " : "") + std::string("word") + std::to_string(i);
  const std::string h = encodeHeader("Subject", words);
  for (const auto& l : lines(h)) EXPECT_LE(l.size(), 78u) << l;
  EXPECT_EQ(lines(h)[0],
            "Subject: word0 word1 word2 word3 word4 word5 word6 word7 word8 word9 word10");
  EXPECT_EQ(lines(h)[1], " word11 word12 word13 word14 word15 word16 word17 word18 word19");
  std::string unfolded = h;
  for (size_t p; (p = unfolded.find("\r\n")) != std::string::npos;) unfolded.erase(p, 2);
  EXPECT_EQ(unfolded, "Subject: " + words);
}

TEST(EmailMime, NonAsciiSubjectIsOneEncodedWord) {
  EXPECT_EQ(encodeHeader("Subject", "磁盘已满"), "Subject: =?UTF-8?B?56OB55uY5bey5ruh?=");
}

TEST(EmailMime, LongNonAsciiSubjectSplitsAtCharacters) {
  EXPECT_EQ(encodeHeader("Subject", "告警：节点磁盘空间不足，请尽快处理以免影响业务运行"),
            "Subject: =?UTF-8?B?5ZGK6K2m77ya6IqC54K556OB55uY56m66Ze05LiN6Laz77yM6K+3?=\r\n"
            " =?UTF-8?B?5bC95b+r5aSE55CG5Lul5YWN5b2x5ZON5Lia5Yqh6L+Q6KGM?=");
  std::string many;
  for (int i = 0; i < 40; ++i) many += "é ";
  for (const auto& l : lines(encodeHeader("Subject", many))) EXPECT_LE(l.size(), 76u) << l;
}

TEST(EmailMime, AddressHeaders) {
  EXPECT_EQ(encodeAddressHeader("From", {{"", "nm@example.com"}}), "From: nm@example.com");
  EXPECT_EQ(encodeAddressHeader("From", {{"Alerts", "nm@example.com"}}),
            "From: Alerts <nm@example.com>");
  EXPECT_EQ(encodeAddressHeader("From", {{"Ops, Team", "nm@example.com"}}),
            "From: \"Ops, Team\" <nm@example.com>");
  EXPECT_EQ(encodeAddressHeader("From", {{"Équipe", "nm@example.com"}}),
            "From: =?UTF-8?B?w4lxdWlwZQ==?= <nm@example.com>");
  std::vector<MailAddress> to;
  for (int i = 0; i < 6; ++i) to.push_back({"", "user" + std::to_string(i) + "@example.com"});
  EXPECT_EQ(encodeAddressHeader("To", to),
            "To: user0@example.com, user1@example.com, user2@example.com, user3@example.com,\r\n"
            " user4@example.com, user5@example.com");
}

TEST(EmailMime, QuotedPrintable) {
  EXPECT_EQ(quotedPrintable("a=b"), "a=3Db");
  EXPECT_EQ(quotedPrintable("trailing \nnext"), "trailing=20\r\nnext");
  EXPECT_EQ(quotedPrintable("tab\t\r\nx"), "tab=09\r\nx");
  EXPECT_EQ(quotedPrintable("café"), "caf=C3=A9");
  EXPECT_EQ(quotedPrintable("<p>\n.\n</p>\n"), "<p>\r\n.\r\n</p>\r\n");
  EXPECT_EQ(quotedPrintable(std::string(100, 'a')),
            std::string(75, 'a') + "=\r\n" + std::string(25, 'a'));
  EXPECT_EQ(quotedPrintable(std::string(76, 'a')), std::string(76, 'a'));
  // An escape is never split by a soft break.
  std::string qp = quotedPrintable(std::string(74, 'a') + "ééé");
  EXPECT_EQ(qp, std::string(74, 'a') + "=\r\n=C3=A9=C3=A9=C3=A9");
  std::string longUtf8;
  for (int i = 0; i < 200; ++i) longUtf8 += "磁";
  for (const auto& l : lines(quotedPrintable(longUtf8))) EXPECT_LE(l.size(), 76u);
}

TEST(EmailMime, DateIsRfc5322InTheLocalZone) {
  const TimePoint t = *parseRfc3339("2026-11-25T13:23:15Z");
  {
    test::ScopedTz tz("UTC");
    EXPECT_EQ(formatMailDate(t), "Wed, 25 Nov 2026 13:23:15 +0000");
  }
  {
    test::ScopedTz tz("Asia/Shanghai");
    EXPECT_EQ(formatMailDate(t), "Wed, 25 Nov 2026 21:23:15 +0800");
  }
  {
    test::ScopedTz tz("America/St_Johns");
    EXPECT_EQ(formatMailDate(t), "Wed, 25 Nov 2026 09:53:15 -0330");
  }
  {
    // Past the zone file's listed transitions: daylight time from its POSIX rule.
    test::ScopedTz tz("America/New_York");
    EXPECT_EQ(formatMailDate(*parseRfc3339("2045-07-01T12:00:00Z")),
              "Sat, 01 Jul 2045 08:00:00 -0400");
  }
}

TEST(EmailMime, MessageId) {
  const TimePoint t = *parseRfc3339("2026-11-25T13:23:15Z");
  EXPECT_EQ(makeMessageId("example.com", t, 0xabcdef),
            "<0000000000abcdef.1795612995000000000@example.com>");
  EXPECT_EQ(mailDomain("nm@mail.example.com"), "mail.example.com");
}

TEST(EmailMime, ParsesAddresses) {
  auto a = parseMailAddress("Alerts <nm@example.com>");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->name, "Alerts");
  EXPECT_EQ(a->address, "nm@example.com");
  a = parseMailAddress("\"Ops, Team\" <ops@example.com>");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->name, "Ops, Team");
  EXPECT_TRUE(parseMailAddress("a.b+tag@sub.example.com"));
  EXPECT_TRUE(parseMailAddress("root@[127.0.0.1]"));
  for (const char* bad : {"", "nobody", "a@", "@x.com", "a b@x.com", "a@x..com", "a@x.com>",
                          "<a@x.com", "a@@x.com", "a@x com", ".a@x.com"}) {
    EXPECT_FALSE(parseMailAddress(bad)) << bad;
  }
}

TEST(EmailMime, MultipartAlternativeStructure) {
  MimeMessage m;
  m.from = {"", "nm@example.com"};
  m.to = {{"", "a@example.com"}, {"", "b@example.com"}};
  m.subject = "磁盘已满";
  m.date = "Wed, 25 Nov 2026 13:23:15 +0000";
  m.messageId = "<1.2@example.com>";
  m.text = "disk full\n";
  m.html = "<p>disk=full</p>";
  m.boundary = "BOUND";
  EXPECT_EQ(buildMimeMessage(m),
            "From: nm@example.com\r\n"
            "To: a@example.com, b@example.com\r\n"
            "Subject: =?UTF-8?B?56OB55uY5bey5ruh?=\r\n"
            "Date: Wed, 25 Nov 2026 13:23:15 +0000\r\n"
            "Message-ID: <1.2@example.com>\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: multipart/alternative;\r\n boundary=\"BOUND\"\r\n"
            "\r\n"
            "--BOUND\r\n"
            "Content-Type: text/plain; charset=UTF-8\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\n"
            "\r\n"
            "disk full\r\n"
            "\r\n"
            "--BOUND\r\n"
            "Content-Type: text/html; charset=UTF-8\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\n"
            "\r\n"
            "<p>disk=3Dfull</p>\r\n"
            "--BOUND--\r\n");
}

TEST(EmailMime, TextOnlyMessage) {
  MimeMessage m;
  m.from = {"Alerts", "nm@example.com"};
  m.to = {{"", "a@example.com"}};
  m.subject = "Disk";
  m.date = "D";
  m.messageId = "<1@example.com>";
  m.text = "line1\nline2";
  EXPECT_EQ(buildMimeMessage(m),
            "From: Alerts <nm@example.com>\r\n"
            "To: a@example.com\r\n"
            "Subject: Disk\r\n"
            "Date: D\r\n"
            "Message-ID: <1@example.com>\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=UTF-8\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\n"
            "\r\n"
            "line1\r\nline2\r\n");
}

}  // namespace
}  // namespace nm
