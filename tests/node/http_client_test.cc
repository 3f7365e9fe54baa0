// The CLI's HTTP client (node/cli/http_client.h) against a scripted server: an answer larger
// than max_response_bytes is refused whether its body comes with the header or after it.
#include "node/cli/http_client.h"

#include <gtest/gtest.h>

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <string>

#include "tests/node/tls_test_util.h"

namespace ddc::cli {
namespace {

// Answers every request on the connection with `body` in one write (header and body together).
node::test::ThreadServer::Serve AnswerWith(std::string body) {
  return [body](boost::asio::ip::tcp::socket& socket, int) {
    std::string request;
    char c = 0;
    boost::system::error_code ec;
    // Up to the blank line that ends the header (the requests here have no body).
    while (request.find("\r\n\r\n") == std::string::npos) {
      if (boost::asio::read(socket, boost::asio::buffer(&c, 1), ec) != 1 || ec) return;
      request.push_back(c);
    }
    const std::string answer = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " +
                               std::to_string(body.size()) + "\r\n\r\n" + body;
    boost::asio::write(socket, boost::asio::buffer(answer), ec);
  };
}

TEST(HttpClientTest, AnAnswerLargerThanTheLimitIsRefusedEvenInOneRead) {
  for (size_t size : {size_t{100}, size_t{1500}, size_t{64} << 10}) {
    SCOPED_TRACE(size);
    node::test::ThreadServer server(AnswerWith(std::string(size, 'x')));
    Result<HttpUrl> url = ParseHttpUrl("http://127.0.0.1:" + std::to_string(server.port()));
    ASSERT_TRUE(url.ok());
    HttpClientOptions options;
    options.max_response_bytes = 1024;
    HttpClient client(*url, options);
    Result<HttpResponse> r = client.Send(HttpRequest{"GET", "/x", "", {}});
    if (size <= 1024) {
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      EXPECT_EQ(r->body, std::string(size, 'x'));
    } else {
      ASSERT_FALSE(r.ok());
      EXPECT_NE(r.status().message().find("larger than the CLI's limit of 1024 bytes"),
                std::string::npos)
          << r.status().ToString();
    }
  }
}

}  // namespace
}  // namespace ddc::cli
