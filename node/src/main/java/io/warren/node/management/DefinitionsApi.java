package io.warren.node.management;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.model.AccessControl;
import io.warren.model.Command;
import io.warren.model.ExchangeName;
import io.warren.model.QueueName;
import io.warren.model.Resource;
import io.warren.node.amqp.ServerProperties;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /api/definitions}: export and import of the topology in RabbitMQ's definitions format.
 * Export has users (with their password hashes), vhosts, permissions, topic permissions, policies,
 * queues (not exclusive ones: they belong to a connection), exchanges (not the predeclared ones)
 * and bindings. Import declares vhosts, users, permissions, topic permissions, policies,
 * exchanges, queues and bindings, in that order, through the command log; parameters in the file
 * are ignored.
 */
final class DefinitionsApi {
  private final BrokerAccess broker;
  private final Users users;

  DefinitionsApi(BrokerAccess broker, Users users) {
    this.broker = broker;
    this.users = users;
  }

  void register(Routes routes) {
    routes.get("definitions", r -> ApiResponse.ok(export()))
        .get("definitions/{vhost}", r -> ApiResponse.ok(export(r.param("vhost"))))
        .post("definitions", r -> {
          load(r.json(), null, r.user());
          return ApiResponse.NO_CONTENT;
        })
        .post("definitions/{vhost}", r -> {
          String vhost = r.param("vhost");
          broker.topology().vhostOrNotFound(vhost);
          load(r.json(), vhost, r.user());
          return ApiResponse.NO_CONTENT;
        });
  }

  private Map<String, Object> export() {
    Topology t = broker.topology();
    List<Object> vhosts = new ArrayList<>();
    List<Object> permissions = new ArrayList<>();
    List<Object> queues = new ArrayList<>();
    List<Object> exchanges = new ArrayList<>();
    List<Object> bindings = new ArrayList<>();
    for (Topology.Vhost v : t.vhosts()) {
      vhosts.add(Json.obj("name", v.name()));
      collect(v, true, queues, exchanges, bindings);
    }
    AccessControl access = users.access();
    access.permissions().forEach(p -> permissions.add(Users.json(p)));
    return Json.obj(
        "rabbit_version", OverviewApi.API_VERSION,
        "rabbitmq_version", OverviewApi.API_VERSION,
        "product_name", ServerProperties.PRODUCT,
        "product_version", ServerProperties.VERSION,
        "users", access.users().stream().map(Users::json).toList(),
        "vhosts", vhosts,
        "permissions", permissions,
        "topic_permissions", access.topicPermissions().stream().map(Users::json).toList(),
        "parameters", List.of(),
        "global_parameters", List.of(),
        "policies", t.policies(null).stream().map(PoliciesApi::json).toList(),
        "queues", queues,
        "exchanges", exchanges,
        "bindings", bindings);
  }

  private Map<String, Object> export(String vhost) {
    Topology t = broker.topology();
    Topology.Vhost v = t.vhostOrNotFound(vhost);
    List<Object> queues = new ArrayList<>();
    List<Object> exchanges = new ArrayList<>();
    List<Object> bindings = new ArrayList<>();
    collect(v, false, queues, exchanges, bindings);
    return Json.obj(
        "rabbit_version", OverviewApi.API_VERSION,
        "rabbitmq_version", OverviewApi.API_VERSION,
        "product_name", ServerProperties.PRODUCT,
        "product_version", ServerProperties.VERSION,
        "parameters", List.of(),
        // RabbitMQ keeps the vhost in the policies of a per-vhost export (not in its queues and exchanges).
        "policies", t.policies(vhost).stream().map(PoliciesApi::json).toList(),
        "queues", queues,
        "exchanges", exchanges,
        "bindings", bindings);
  }

  private static void collect(Topology.Vhost v, boolean withVhost, List<Object> queues, List<Object> exchanges,
      List<Object> bindings) {
    v.queues().stream().filter(q -> !q.exclusive()).forEach(q -> queues.add(Views.queueDefinition(q, withVhost)));
    v.exchanges().stream().filter(x -> !Views.predeclared(x.name()))
        .forEach(x -> exchanges.add(Views.exchangeDefinition(x, withVhost)));
    v.bindings().forEach(b -> bindings.add(Views.bindingDefinition(b, withVhost)));
  }

  /** What one definitions file asks for, checked before anything is declared. */
  private record Plan(List<String> vhosts, List<Command> access, List<Command> declarations) {}

  /** @param onlyVhost the vhost of a per-vhost import (entries have no vhost field), or null */
  private void load(JsonNode file, String onlyVhost, String actingUser) {
    if (!file.isObject()) {
      throw ApiException.badRequest("not_json");
    }
    Plan plan = plan(file, onlyVhost);
    for (String vhost : plan.vhosts()) {
      VhostsApi.addVhost(broker, vhost, actingUser);
    }
    for (Command c : plan.access()) {
      Replies.check(broker.submit(c));
    }
    for (Command c : plan.declarations()) {
      Replies.check(broker.submit(c));
    }
  }

  private Plan plan(JsonNode file, String onlyVhost) {
    Set<String> known = new HashSet<>();
    broker.topology().vhosts().forEach(v -> known.add(v.name()));
    List<String> vhosts = new ArrayList<>();
    if (onlyVhost == null) {
      for (JsonNode v : array(file, "vhosts")) {
        String name = required(v, "name", "vhost");
        vhosts.add(name);
        known.add(name);
      }
    }
    List<Command> access = onlyVhost == null ? accessPlan(file, known) : List.of();
    List<Command> declarations = new ArrayList<>();
    for (JsonNode p : array(file, "policies")) {
      declarations.add(new Command.SetPolicy(
          PoliciesApi.parse(vhost(p, onlyVhost, known), required(p, "name", "policy"), p)));
    }
    for (JsonNode x : array(file, "exchanges")) {
      ExchangeName name = new ExchangeName(vhost(x, onlyVhost, known), required(x, "name", "exchange"));
      declarations.add(new Command.DeclareExchange(name, Json.text(x, "type", "direct"), false,
          Json.bool(x, "durable", true), Json.bool(x, "auto_delete", false), Json.bool(x, "internal", false),
          Json.toArguments(x.get("arguments"), "arguments")));
    }
    for (JsonNode q : array(file, "queues")) {
      QueueName name = new QueueName(vhost(q, onlyVhost, known), required(q, "name", "queue"));
      declarations.add(new Command.DeclareQueue(name, false, Json.bool(q, "durable", true), false,
          Json.bool(q, "auto_delete", false), Json.toArguments(q.get("arguments"), "arguments"), 0, false));
    }
    for (JsonNode b : array(file, "bindings")) {
      String vhost = vhost(b, onlyVhost, known);
      ExchangeName source = new ExchangeName(vhost, Json.text(b, "source", ""));
      String destination = required(b, "destination", "binding");
      String type = Json.text(b, "destination_type", "queue");
      Resource to = switch (type) {
        case "queue" -> new QueueName(vhost, destination);
        case "exchange" -> new ExchangeName(vhost, destination);
        default -> throw ApiException.badRequest("destination_type must be queue or exchange, not '" + type + "'");
      };
      declarations.add(new Command.Bind(source, to, Json.text(b, "routing_key", ""),
          Json.toArguments(b.get("arguments"), "arguments"), 0));
    }
    return new Plan(vhosts, access, declarations);
  }

  /** Users (by their hashes), permissions and topic permissions of a whole-broker file. */
  private List<Command> accessPlan(JsonNode file, Set<String> knownVhosts) {
    List<Command> commands = new ArrayList<>();
    Set<String> knownUsers = new HashSet<>();
    users.access().users().forEach(u -> knownUsers.add(u.name()));
    for (JsonNode u : array(file, "users")) {
      String name = required(u, "name", "user");
      commands.add(Users.putUser(name, u.has("password") ? onlyHash(u) : u));
      knownUsers.add(name);
    }
    for (JsonNode p : array(file, "permissions")) {
      String user = knownUser(p, knownUsers);
      String vhost = vhost(p, null, knownVhosts);
      commands.add(new Command.SetPermissions(user, vhost, Json.text(p, "configure", ""), Json.text(p, "write", ""),
          Json.text(p, "read", "")));
    }
    for (JsonNode t : array(file, "topic_permissions")) {
      String user = knownUser(t, knownUsers);
      String vhost = vhost(t, null, knownVhosts);
      commands.add(new Command.SetTopicPermissions(user, vhost, required(t, "exchange", "topic permission"),
          Json.text(t, "write", ""), Json.text(t, "read", "")));
    }
    return commands;
  }

  /** A definitions file carries hashes; a clear {@code password} field there is not taken. */
  private static JsonNode onlyHash(JsonNode user) {
    com.fasterxml.jackson.databind.node.ObjectNode copy = user.deepCopy();
    copy.remove("password");
    return copy;
  }

  private static String knownUser(JsonNode entry, Set<String> knownUsers) {
    String user = required(entry, "user", "permission");
    if (!knownUsers.contains(user)) {
      throw ApiException.badRequest("no_such_user: " + user);
    }
    return user;
  }

  private static Iterable<JsonNode> array(JsonNode file, String field) {
    JsonNode v = file.get(field);
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (!v.isArray()) {
      throw ApiException.badRequest(field + " must be a list");
    }
    return v;
  }

  private static String required(JsonNode entry, String field, String what) {
    JsonNode v = entry.get(field);
    if (v == null || v.isNull() || !v.isTextual()) {
      throw ApiException.badRequest(what + " without a " + field + ": " + entry);
    }
    return v.textValue();
  }

  private static String vhost(JsonNode entry, String onlyVhost, Set<String> known) {
    if (onlyVhost != null) {
      return onlyVhost;
    }
    String vhost = required(entry, "vhost", "definition");
    if (!known.contains(vhost)) {
      throw ApiException.badRequest("no_such_vhost: " + vhost);
    }
    return vhost;
  }
}
