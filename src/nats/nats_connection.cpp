// NatsConnection: natsOptions from NatsConnectOptions (servers, user info, creds, TLS CA,
// timeouts, reconnect forever with capped exponential backoff) and a first connect whose failure
// is explained in terms of the flags.
#include "nats/nats_connection.h"

#include <unistd.h>

#include <algorithm>
#include <vector>

namespace nm {

namespace {

int64_t millis(Duration d) {
  return std::max<int64_t>(1, std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
}

bool readable(const std::string& path) {
  return ::access(path.c_str(), R_OK) == 0;
}

}  // namespace

std::string natsErrorText(natsStatus s) {
  std::string out = natsStatus_GetText(s);
  natsStatus last = NATS_OK;
  const char* text = nats_GetLastError(&last);
  if (text && *text && out.find(text) == std::string::npos && std::string(text) != out)
    out += std::string(": ") + text;
  return out;
}

int64_t NatsConnection::reconnectDelay(natsConnection*, int attempts, void* closure) {
  const auto* self = static_cast<const NatsConnection*>(closure);
  Duration d = self->options_.minBackoff;
  for (int i = 1; i < attempts && d < self->options_.maxBackoff; ++i) d *= 2;
  return millis(std::min(d, self->options_.maxBackoff));
}

void NatsConnection::onDisconnected(natsConnection*, void* closure) {
  const auto* self = static_cast<const NatsConnection*>(closure);
  if (!self->closing_ && self->options_.onStateChange) self->options_.onStateChange(false);
}

void NatsConnection::onReconnected(natsConnection*, void* closure) {
  const auto* self = static_cast<const NatsConnection*>(closure);
  if (!self->closing_ && self->options_.onStateChange) self->options_.onStateChange(true);
}

void NatsConnection::onClosed(natsConnection*, void* closure) {
  auto* self = static_cast<NatsConnection*>(closure);
  std::lock_guard<std::mutex> g(self->closedMu_);
  self->closed_ = true;
  self->closedCv_.notify_all();
}

NatsConnection::~NatsConnection() {
  close();
}

void NatsConnection::close() {
  closing_ = true;
  if (!conn_) return;
  natsConnection_Close(conn_.get());
  // cnats runs the disconnected and closed callbacks on its own thread after Close returns: wait
  // for the last one, or a callback would read this object after it is gone.
  std::unique_lock<std::mutex> lk(closedMu_);
  closedCv_.wait_for(lk, std::chrono::seconds(5), [this] { return closed_; });
}

bool NatsConnection::connected() const {
  return conn_ && natsConnection_Status(conn_.get()) == NATS_CONN_STATUS_CONNECTED;
}

bool NatsConnection::connect(std::string& error) {
  const NatsConnectOptions& o = options_;
  if (!o.credsFile.empty() && !readable(o.credsFile)) {
    error = "--store.nats.creds: cannot read \"" + o.credsFile + "\"";
    return false;
  }
  if (!o.tlsCa.empty() && !readable(o.tlsCa)) {
    error = "--store.nats.tls-ca: cannot read \"" + o.tlsCa + "\"";
    return false;
  }
  natsOptions* raw = nullptr;
  if (natsStatus s = natsOptions_Create(&raw); s != NATS_OK) {
    error = "--store.nats.url: cannot create the connection options: " + natsErrorText(s);
    return false;
  }
  NatsOptionsPtr opts(raw);
  std::vector<std::string> urls = natsServerUrls(o.url);
  std::vector<const char*> curls;
  for (const std::string& u : urls) curls.push_back(u.c_str());
  natsStatus s = natsOptions_SetServers(opts.get(), curls.data(), static_cast<int>(curls.size()));
  if (s == NATS_OK && (!o.url.user.empty() || !o.url.password.empty())) {
    if (o.url.user.empty())
      s = natsOptions_SetToken(opts.get(), o.url.password.c_str());
    else
      s = natsOptions_SetUserInfo(opts.get(), o.url.user.c_str(), o.url.password.c_str());
  }
  if (s != NATS_OK) {
    error = "--store.nats.url: " + natsErrorText(s);
    return false;
  }
  if (!o.credsFile.empty()) {
    s = natsOptions_SetUserCredentialsFromFiles(opts.get(), o.credsFile.c_str(), nullptr);
    if (s != NATS_OK) {
      error = "--store.nats.creds \"" + o.credsFile + "\": " + natsErrorText(s);
      return false;
    }
  }
  if (o.url.tls || !o.tlsCa.empty()) {
    s = natsOptions_SetSecure(opts.get(), true);
    if (s == NATS_OK && !o.tlsCa.empty())
      s = natsOptions_LoadCATrustedCertificates(opts.get(), o.tlsCa.c_str());
    if (s != NATS_OK) {
      error = (o.tlsCa.empty() ? std::string("--store.nats.url: TLS: ")
                               : "--store.nats.tls-ca \"" + o.tlsCa + "\": ") +
              natsErrorText(s);
      return false;
    }
  }
  s = natsOptions_SetTimeout(opts.get(), millis(o.timeout));
  if (s == NATS_OK) s = natsOptions_SetName(opts.get(), o.name.c_str());
  if (s == NATS_OK) s = natsOptions_SetMaxReconnect(opts.get(), -1);
  if (s == NATS_OK) s = natsOptions_SetCustomReconnectDelay(opts.get(), &reconnectDelay, this);
  // Publishes while reconnecting fail at once (the queue answers 503) instead of being buffered.
  if (s == NATS_OK) s = natsOptions_SetReconnectBufSize(opts.get(), 0);
  if (s == NATS_OK) s = natsOptions_SetDisconnectedCB(opts.get(), &onDisconnected, this);
  if (s == NATS_OK) s = natsOptions_SetReconnectedCB(opts.get(), &onReconnected, this);
  if (s == NATS_OK) s = natsOptions_SetClosedCB(opts.get(), &onClosed, this);
  if (s == NATS_OK) s = natsOptions_SetPingInterval(opts.get(), 5000);
  if (s == NATS_OK) s = natsOptions_SetMaxPingsOut(opts.get(), 2);
  if (s != NATS_OK) {
    error = "--store.nats.url: cannot set the connection options: " + natsErrorText(s);
    return false;
  }
  natsConnection* nc = nullptr;
  s = natsConnection_Connect(&nc, opts.get());
  if (s != NATS_OK) {
    std::string why = natsErrorText(s);
    std::string text = why;
    std::transform(text.begin(), text.end(), text.begin(), ::tolower);
    bool auth = s == NATS_CONNECTION_AUTH_FAILED || s == NATS_NOT_PERMITTED ||
                text.find("authoriz") != std::string::npos ||
                text.find("authentic") != std::string::npos;
    if (!o.credsFile.empty() &&
        (auth || text.find("cred") != std::string::npos || text.find("nkey") != std::string::npos ||
         text.find("jwt") != std::string::npos))
      error = "--store.nats.creds \"" + o.credsFile + "\": " + redactedNatsUrl(o.url) +
              " refused it: " + why;
    else if (s == NATS_SSL_ERROR && !o.tlsCa.empty())
      error = "--store.nats.tls-ca \"" + o.tlsCa + "\": " + why;
    else if (auth)
      error = "--store.nats.url: " + redactedNatsUrl(o.url) + " refused the login: " + why;
    else
      error = "--store.nats.url: cannot connect to " + redactedNatsUrl(o.url) + ": " + why;
    return false;
  }
  conn_.reset(nc);
  return true;
}

}  // namespace nm
