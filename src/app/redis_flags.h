// The Redis every Redis-backed part connects to (queue, leases, shared state, throttles): one
// RedisUrl from --store.redis.url and the --store.redis.tls-* flags, so none of them skips TLS.
#pragma once

#include <optional>
#include <string>

#include "app/flags.h"
#include "redis/redis_tls.h"
#include "redis/redis_url.h"

namespace nm::app {

RedisTls redisTlsFromFlags(const Flags& flags);

// nullopt with `error` naming the flag when the URL or the TLS flags are refused.
std::optional<RedisUrl> redisUrlFromFlags(const Flags& flags, std::string& error);

}  // namespace nm::app
