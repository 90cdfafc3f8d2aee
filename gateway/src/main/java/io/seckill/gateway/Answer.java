package io.seckill.gateway;

import io.vertx.core.json.JsonObject;

/** A successful answer to send (or replay): status, JSON body, and the Location header when there is one. */
public record Answer(int status, JsonObject body, String location) {
}
