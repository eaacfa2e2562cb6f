// Joins --store.redis.url with the --store.redis.tls-* flags (see redis_flags.h).
#include "app/redis_flags.h"

namespace nm::app {

RedisTls redisTlsFromFlags(const Flags& flags) {
  RedisTls tls;
  tls.caFile = flags.storeRedisTlsCa;
  tls.certFile = flags.storeRedisTlsCert;
  tls.keyFile = flags.storeRedisTlsKey;
  tls.insecureSkipVerify = flags.storeRedisTlsInsecureSkipVerify;
  return tls;
}

std::optional<RedisUrl> redisUrlFromFlags(const Flags& flags, std::string& error) {
  std::optional<RedisUrl> url = parseRedisUrl(flags.storeRedisUrl, error);
  if (!url || !applyRedisTls(*url, redisTlsFromFlags(flags), error)) return std::nullopt;
  return url;
}

}  // namespace nm::app
