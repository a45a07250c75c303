// latency_proxy: forwards TCP connections with a fixed delay added to each direction's data.
// scripts/bench puts it between the service and PostgreSQL (--db-latency-ms).
#include "latency_proxy.hpp"

#include <CLI/CLI.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>

#include <charconv>
#include <cmath>
#include <iostream>
#include <string>

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

// HOST:PORT with a numeric host ("[::1]:5432" for IPv6): the proxy is a loopback test tool, and a
// name lookup would only add a way to connect somewhere unexpected.
tcp::endpoint parse_endpoint(const std::string& flag, const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0)
    throw CLI::ValidationError(flag, "expected HOST:PORT, got '" + text + "'");
  auto host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const auto port_text = std::string_view(text).substr(colon + 1);
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc{} || end != port_text.data() + port_text.size() || port > 65535) {
    throw CLI::ValidationError(flag, "port must be a number from 0 to 65535, got '" + std::string(port_text) + "'");
  }
  boost::system::error_code address_error;
  const auto address = asio::ip::make_address(host, address_error);
  if (address_error) throw CLI::ValidationError(flag, "'" + host + "' is not an IP address");
  return {address, static_cast<std::uint16_t>(port)};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Forwards TCP connections from --listen to --target, holding each direction's data for --delay-ms "
      "(so a round trip gains twice the delay). Prints the address it listens on, then runs until SIGINT/SIGTERM."};
  std::string listen = "127.0.0.1:0";
  std::string target;
  double delay_ms = 0;
  std::size_t max_buffer_kib = 1024;
  app.add_option("--listen", listen, "HOST:PORT to accept on (port 0 picks a free one)")->capture_default_str();
  app.add_option("--target", target, "HOST:PORT to forward to")->required();
  app.add_option("--delay-ms", delay_ms, "delay added to each direction, in milliseconds (fractions allowed)")
      ->check(CLI::Range(0.0, 60'000.0))
      ->capture_default_str();
  app.add_option("--max-buffer-kib", max_buffer_kib, "bytes held per direction before the proxy stops reading")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20))
      ->capture_default_str();

  coffeehouse::tools::LatencyProxyOptions options;
  try {
    app.parse(argc, argv);
    options.listen = parse_endpoint("--listen", listen);
    options.target = parse_endpoint("--target", target);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::ParseError& error) {
    // One line naming the flag, exit 2, as coffeehouse itself does.
    std::cerr << "latency_proxy: error: " << error.what() << " (see --help)\n";
    return 2;
  }
  options.delay = std::chrono::microseconds(std::llround(delay_ms * 1000.0));
  options.max_buffered_bytes = max_buffer_kib * 1024;

  try {
    asio::io_context io{1};
    coffeehouse::tools::LatencyProxy proxy(io, options);
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code&, int) {
      proxy.stop();
      io.stop();
    });
    proxy.start();
    const auto local = proxy.local_endpoint();
    std::cout << "latency_proxy: listening on " << local << ", forwarding to " << options.target << ", " << delay_ms
              << " ms each way" << std::endl;
    io.run();
  } catch (const std::exception& error) {
    std::cerr << "latency_proxy: " << error.what() << '\n';
    return 1;
  }
  return 0;
}
