// Transport behaviour of HttpServer over real sockets: keep-alive, body and header limits (413
// by Content-Length and chunked), auth, 404/405, 100-continue, slow clients, bind errors.
#include <thread>

#include "server_fixture.h"

namespace nm::api::test {
namespace {

// Reads one response from a raw socket (bounded by the stream's deadline).
Response readResponse(beast::tcp_stream& s, beast::flat_buffer& buf) {
  Response res;
  s.expires_after(std::chrono::seconds(10));
  http::read(s, buf, res);
  return res;
}

void writeRaw(beast::tcp_stream& s, const std::string& data) {
  s.expires_after(std::chrono::seconds(10));
  net::write(s, net::buffer(data));
}

// True when the peer closed the connection (EOF or reset) before sending anything.
bool closedWithoutReply(beast::tcp_stream& s) {
  s.expires_after(std::chrono::seconds(10));
  char c;
  beast::error_code ec;
  size_t n = s.read_some(net::buffer(&c, 1), ec);
  return n == 0 && ec && ec != beast::error::timeout;
}

TEST_F(ServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  start();
  Client c(port());
  for (int i = 0; i < 5; ++i) {
    Response r = c.post("/api/v2/alerts", alertsBody(1));
    EXPECT_EQ(r.result_int(), 200u);
    EXPECT_TRUE(r.keep_alive());
  }
  EXPECT_EQ(queue.pushed().size(), 5u);
}

TEST_F(ServerTest, RepliesAreGoStyleJson) {
  start();
  Client c(port());
  Response r = c.post("/api/v2/alerts", alertsBody(2));
  EXPECT_EQ(r.result_int(), 200u);
  EXPECT_EQ(r[http::field::content_type], "application/json");
  EXPECT_EQ(r.body(), R"({"Status":200,"Message":"Notification request accepted"})");
}

TEST_F(ServerTest, UnknownPathIs404AndWrongMethodIs405) {
  start();
  Client c(port());
  Response a = c.get("/nope");
  EXPECT_EQ(a.result_int(), 404u);
  EXPECT_NE(a.body().find("\"Status\":404"), std::string::npos);
  Response b = c.get("/api/v2/verify");  // GET /api/v2/alerts is the Alertmanager API now
  EXPECT_EQ(b.result_int(), 405u);
  EXPECT_EQ(b[http::field::allow], "POST");
  Response d = c.post("/-/live", "");
  EXPECT_EQ(d.result_int(), 405u);
  EXPECT_EQ(c.get("/-/live").result_int(), 200u);  // connection still usable
}

TEST_F(ServerTest, BodyOverLimitByContentLengthIs413) {
  start();
  net::io_context ioc;
  beast::tcp_stream s(ioc);
  s.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port()));
  // Announce a body far over the limit and send only the header: the reply must not wait for it.
  writeRaw(s,
           "POST /api/v2/alerts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
           "Content-Length: 100000000\r\n\r\n{\"alerts\":[");
  beast::flat_buffer buf;
  Response r = readResponse(s, buf);
  EXPECT_EQ(r.result_int(), 413u);
  EXPECT_FALSE(r.keep_alive());
  EXPECT_NE(r.body().find("too large"), std::string::npos);
  EXPECT_EQ(queue.calls(), 0);
}

TEST_F(ServerTest, ChunkedBodyOverLimitIs413) {
  start();
  net::io_context ioc;
  beast::tcp_stream s(ioc);
  s.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port()));
  writeRaw(s, "POST /api/v2/alerts HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
  std::string chunk(16 << 10, ' ');
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", chunk.size());
  beast::error_code ec;
  for (int i = 0; i < 8 && !ec; ++i) {  // 128 KiB > 64 KiB limit
    s.expires_after(std::chrono::seconds(10));
    net::write(s, net::buffer(std::string(size) + chunk + "\r\n"), ec);
  }
  beast::flat_buffer buf;
  Response r = readResponse(s, buf);
  EXPECT_EQ(r.result_int(), 413u);
  EXPECT_EQ(queue.calls(), 0);
}

TEST_F(ServerTest, BodyWithinLimitChunkedIsAccepted) {
  start();
  net::io_context ioc;
  beast::tcp_stream s(ioc);
  s.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port()));
  std::string body = alertsBody(3);
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", body.size());
  writeRaw(s, "POST /api/v2/alerts HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
                  std::string(size) + body + "\r\n0\r\n\r\n");
  beast::flat_buffer buf;
  EXPECT_EQ(readResponse(s, buf).result_int(), 200u);
  ASSERT_EQ(queue.pushed().size(), 1u);
  EXPECT_EQ(queue.pushed()[0].size(), 3u);
}

TEST_F(ServerTest, HugeHeaderIs431) {
  start();
  net::io_context ioc;
  beast::tcp_stream s(ioc);
  s.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port()));
  writeRaw(s,
           "GET /-/live HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(100 << 10, 'a') + "\r\n\r\n");
  beast::flat_buffer buf;
  EXPECT_EQ(readResponse(s, buf).result_int(), 431u);
}

TEST_F(ServerTest, MalformedRequestIs400) {
  start();
  net::io_context ioc;
  beast::tcp_stream s(ioc);
  s.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port()));
  writeRaw(s, "GARBAGE\x01 / HTTP/1.1\r\n\r\n");
  beast::flat_buffer buf;
  EXPECT_EQ(readResponse(s, buf).result_int(), 400u);
}

TEST_F(ServerTest, ExpectContinueIsHonoured) {
  start();
  net::io_context ioc;
  beast::tcp_stream s(ioc);
  s.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port()));
  std::string body = alertsBody(1);
  writeRaw(s,
           "POST /api/v2/alerts HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: " +
               std::to_string(body.size()) + "\r\n\r\n");
  beast::flat_buffer buf;
  http::response_parser<http::empty_body> p;
  s.expires_after(std::chrono::seconds(10));
  http::read_header(s, buf, p);
  EXPECT_EQ(p.get().result_int(), 100u);
  writeRaw(s, body);
  EXPECT_EQ(readResponse(s, buf).result_int(), 200u);
}

TEST_F(ServerTest, BearerTokenRequiredOnPostOnly) {
  deps.bearerToken = "s3cret";
  start();
  Client c(port());
  Response none = c.post("/api/v2/alerts", alertsBody(1));
  EXPECT_EQ(none.result_int(), 401u);
  EXPECT_EQ(none[http::field::www_authenticate], "Bearer");
  Response wrong = c.post("/api/v2/alerts", alertsBody(1), {{"Authorization", "Bearer nope"}});
  EXPECT_EQ(wrong.result_int(), 401u);
  EXPECT_EQ(queue.calls(), 0);
  Response ok = c.post("/api/v2/alerts", alertsBody(1), {{"Authorization", "bearer s3cret"}});
  EXPECT_EQ(ok.result_int(), 200u);
  EXPECT_EQ(c.get("/-/live").result_int(), 200u);
  EXPECT_EQ(c.post("/-/reload", "").result_int(), 401u);
}

TEST_F(ServerTest, SlowClientIsCutOffWhileOthersAreServed) {
  deps.readTimeout = std::chrono::milliseconds(300);
  start(1);  // one io thread: the slow client must not occupy it
  net::io_context ioc;
  beast::tcp_stream slow(ioc);
  slow.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port()));
  writeRaw(slow, "POST /api/v2/alerts HTTP/1.1\r\nHost: x\r\n");  // never finishes the header

  Client fast(port());
  EXPECT_EQ(fast.post("/api/v2/alerts", alertsBody(1)).result_int(), 200u);
  EXPECT_EQ(fast.get("/-/live").result_int(), 200u);

  EXPECT_TRUE(closedWithoutReply(slow));
  // A client that keeps sending a header byte by byte is cut off too.
  beast::tcp_stream trickle(ioc);
  trickle.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port()));
  beast::error_code ec;
  for (int i = 0; i < 200 && !ec; ++i) {
    net::write(trickle, net::buffer("X-A: b\r\n", 8), ec);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(ec || closedWithoutReply(trickle));
}

TEST_F(ServerTest, StopAcceptingKeepsOpenConnectionsServing) {
  start();
  Client c(port());
  EXPECT_EQ(c.get("/-/live").result_int(), 200u);
  server->stopAccepting();
  EXPECT_EQ(c.get("/-/live").result_int(), 200u);
  net::io_context ioc;
  tcp::socket s(ioc);
  beast::error_code ec;
  s.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port()), ec);
  EXPECT_TRUE(ec);
}

TEST_F(ServerTest, StartFailsWithClearMessageWhenPortTaken) {
  start();
  HttpServer other(deps, "127.0.0.1:" + std::to_string(port()), 1);
  try {
    other.start();
    FAIL() << "expected bind failure";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot listen on 127.0.0.1:"), std::string::npos)
        << e.what();
  }
  HttpServer bad(deps, "127.0.0.1", 1);
  EXPECT_THROW(bad.start(), std::runtime_error);
}

TEST_F(ServerTest, ListensOnAllInterfacesWithEmptyHost) {
  server = std::make_unique<HttpServer>(deps, ":0", 1);
  server->start();
  Client c(server->port());  // reaches it over 127.0.0.1
  EXPECT_EQ(c.get("/-/live").result_int(), 200u);
}

}  // namespace
}  // namespace nm::api::test
