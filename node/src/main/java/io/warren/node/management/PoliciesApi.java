package io.warren.node.management;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.model.Command;
import io.warren.model.Policy;
import java.util.Map;

/**
 * {@code /api/policies}: list, show, set (PUT) and clear (DELETE) policies, in RabbitMQ's JSON
 * ({@code pattern}, {@code definition}, {@code priority}, {@code apply-to}). A change goes through
 * the command log, so it is replicated and durable like a declaration, and the queues it concerns
 * take their new settings before the answer.
 */
final class PoliciesApi {
  private final BrokerAccess broker;

  PoliciesApi(BrokerAccess broker) {
    this.broker = broker;
  }

  void register(Routes routes) {
    routes.get("policies", r -> ApiResponse.ok(broker.topology().policies(null).stream().map(PoliciesApi::json).toList()))
        .get("policies/{vhost}", r -> ApiResponse.ok(
            broker.topology().policies(r.param("vhost")).stream().map(PoliciesApi::json).toList()))
        .get("policies/{vhost}/{name}", r -> ApiResponse.ok(json(find(r.param("vhost"), r.param("name")))))
        .put("policies/{vhost}/{name}", r -> {
          String vhost = r.param("vhost");
          String name = r.param("name");
          Topology t = broker.topology();
          if (t.vhost(vhost).isEmpty()) {
            throw new ApiException(404, "not_found", "vhost_not_found");
          }
          boolean existed = t.policies(vhost).stream().anyMatch(p -> p.name().equals(name));
          Replies.check(broker.submit(new Command.SetPolicy(parse(vhost, name, r.jsonObject()))));
          return ApiResponse.createdOrExisted(!existed);
        })
        .delete("policies/{vhost}/{name}", r -> {
          Policy p = find(r.param("vhost"), r.param("name"));
          Replies.check(broker.submit(new Command.ClearPolicy(p.vhost(), p.name())));
          return ApiResponse.NO_CONTENT;
        });
  }

  private Policy find(String vhost, String name) {
    return broker.topology().policies(vhost).stream().filter(p -> p.name().equals(name)).findFirst()
        .orElseThrow(ApiException::notFound);
  }

  /** A policy as RabbitMQ shows it (the same in a definitions file). */
  static Map<String, Object> json(Policy p) {
    return Json.obj(
        "vhost", p.vhost(),
        "name", p.name(),
        "pattern", p.pattern(),
        "apply-to", p.applyTo().wireName(),
        "definition", Json.fromArguments(p.definition()),
        "priority", p.priority());
  }

  /**
   * A policy from a PUT body or a definitions file entry: {@code pattern} and {@code definition}
   * required, {@code priority} (default 0) and {@code apply-to} (default {@code all}) optional.
   *
   * @throws ApiException 400 with RabbitMQ's "Validation failed" reason
   */
  static Policy parse(String vhost, String name, JsonNode body) {
    JsonNode pattern = body.get("pattern");
    if (pattern == null || pattern.isNull()) {
      throw ApiException.badRequest("[{key_missing,pattern}]");
    }
    JsonNode definition = body.get("definition");
    if (definition == null || definition.isNull()) {
      throw ApiException.badRequest("[{key_missing,definition}]");
    }
    if (!definition.isObject()) {
      throw invalid(definition + " is not a valid policy definition");
    }
    String applyToText = Json.text(body, "apply-to", "all");
    Policy.ApplyTo applyTo = Policy.ApplyTo.fromWire(applyToText);
    if (applyTo == null) {
      throw invalid("apply-to '" + applyToText + "' unrecognised; should be 'queues', 'exchanges' or 'all'");
    }
    try {
      return new Policy(vhost, name, pattern.asText(), applyTo, priority(body.get("priority")),
          Json.toArguments(definition, "definition"));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage() + "\n");
    }
  }

  /** An integer (RabbitMQ also takes a decimal number, which Warren does not). */
  private static int priority(JsonNode v) {
    if (v == null || v.isNull()) {
      return 0;
    }
    if (v.isIntegralNumber() && v.canConvertToInt()) {
      return v.intValue();
    }
    throw invalid("priority should be a number, actually was " + (v.isTextual() ? "<<\"" + v.textValue() + "\">>" : v));
  }

  private static ApiException invalid(String reason) {
    return ApiException.badRequest("Validation failed\n\n" + reason + "\n");
  }
}
