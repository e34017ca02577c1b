package io.warren.node.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.warren.model.AccessControl.Kind;
import io.warren.model.Resource;
import java.util.List;
import java.util.Map;

/**
 * One API call: the method, the path parameters its route named (already URL-decoded, so vhost
 * {@code %2F} is {@code /}), the query, the body and who made it.
 */
record ApiRequest(
    String method, Map<String, String> params, Map<String, String> query, Map<String, List<String>> headers,
    byte[] body, Caller caller) {

  /** The name of the user who makes the call. */
  String user() {
    return caller.name();
  }

  /** @throws ApiException 401 Access refused. unless the caller's permission allows {@code kind} on the resource */
  void require(Kind kind, Resource resource) {
    caller.require(kind, resource, Caller.Refusal.ACCESS_REFUSED);
  }

  String param(String name) {
    String value = params.get(name);
    if (value == null) {
      throw new IllegalStateException("route has no parameter " + name);
    }
    return value;
  }

  /** The first value of a request header (names are case-insensitive), or null. */
  String header(String name) {
    List<String> values = headers.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  boolean flag(String queryName) {
    return "true".equals(query.get(queryName));
  }

  /** The body as JSON; an empty body is JSON null. Malformed JSON is RabbitMQ's 400 not_json. */
  JsonNode json() {
    if (body.length == 0) {
      return NullNode.getInstance();
    }
    try {
      return Json.MAPPER.readTree(body);
    } catch (java.io.IOException e) {
      throw ApiException.badRequest("not_json");
    }
  }

  /** The body as a JSON object (empty when there is no body). */
  JsonNode jsonObject() {
    JsonNode node = json();
    if (node.isNull() || node.isMissingNode()) {
      return Json.MAPPER.createObjectNode();
    }
    if (!node.isObject()) {
      throw ApiException.badRequest("not_json");
    }
    return node;
  }
}
