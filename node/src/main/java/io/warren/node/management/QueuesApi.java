package io.warren.node.management;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.model.AccessControl.Kind;
import io.warren.model.Command;
import io.warren.model.QueueName;
import io.warren.node.amqp.ConnectionInfo;
import io.warren.node.metrics.BrokerSnapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@code /api/queues}: list, show, declare (PUT), delete (if-unused / if-empty), purge
 * ({@code DELETE .../contents}) and get messages ({@code POST .../get}).
 */
final class QueuesApi {
  private final BrokerAccess broker;
  private final Views views;
  private final QueueGetter getter;

  QueuesApi(BrokerAccess broker, Views views, QueueGetter getter) {
    this.broker = broker;
    this.views = views;
    this.getter = getter;
  }

  void register(Routes routes) {
    routes.get("queues", r -> ApiResponse.ok(list(null)))
        .get("queues/{vhost}", r -> ApiResponse.ok(list(r.param("vhost"))))
        .get("queues/{vhost}/{name}", this::show)
        .put("queues/{vhost}/{name}", this::declare)
        .delete("queues/{vhost}/{name}", r -> {
          QueueName name = name(r);
          find(broker.topology(), name);
          r.require(Kind.CONFIGURE, name);
          Replies.check(broker.submit(new Command.DeleteQueue(name, r.flag("if-unused"), r.flag("if-empty"), 0)));
          return ApiResponse.NO_CONTENT;
        })
        .delete("queues/{vhost}/{name}/contents", r -> {
          QueueName name = name(r);
          find(broker.topology(), name);
          r.require(Kind.READ, name);
          Replies.check(broker.submit(new Command.PurgeQueue(name, 0)));
          return ApiResponse.NO_CONTENT;
        })
        .post("queues/{vhost}/{name}/get", this::get);
  }

  static QueueName name(ApiRequest r) {
    return new QueueName(r.param("vhost"), r.param("name"));
  }

  static Topology.QueueDecl find(Topology topology, QueueName name) {
    topology.vhostOrNotFound(name.vhost());
    return topology.queue(name).orElseThrow(ApiException::notFound);
  }

  private List<Map<String, Object>> list(String vhost) {
    Topology topology = broker.topology();
    List<Topology.Vhost> scope = topology.scope(vhost);
    Map<QueueName, BrokerSnapshot.QueueFigures> figures = figures();
    Map<Long, ConnectionInfo> owners = owners(scope.stream().anyMatch(v ->
        v.queues().stream().anyMatch(Topology.QueueDecl::exclusive)));
    List<Map<String, Object>> out = new ArrayList<>();
    for (Topology.Vhost v : scope) {
      for (Topology.QueueDecl q : v.queues()) {
        out.add(withMessageStats(views.queue(q, figures.get(q.name()), owners.get(q.owner())), q.name()));
      }
    }
    return out;
  }

  private ApiResponse show(ApiRequest r) {
    Topology.QueueDecl q = find(broker.topology(), name(r));
    Map<String, Object> m = withMessageStats(
        views.queue(q, figures().get(q.name()), owners(q.exclusive()).get(q.owner())), q.name());
    m.put("consumer_details", ConnectionsApi.consumers(broker, views, k -> k.queue().equals(q.name())));
    m.put("deliveries", List.of());
    m.put("incoming", List.of());
    return ApiResponse.ok(m);
  }

  /** RabbitMQ's {@code message_stats} of a queue: what this node's clients did with it (docs/metrics.md). */
  private Map<String, Object> withMessageStats(Map<String, Object> queue, QueueName name) {
    queue.put("message_stats", views.messageStats(broker.amqp().queueCounters().of(name),
        field -> Rates.queue(name.vhost(), name.name(), field)));
    return queue;
  }

  private Map<QueueName, BrokerSnapshot.QueueFigures> figures() {
    Map<QueueName, BrokerSnapshot.QueueFigures> byName = new HashMap<>();
    for (BrokerSnapshot.QueueFigures f : broker.figures().queues()) {
      byName.put(new QueueName(f.vhost(), f.queue()), f);
    }
    return byName;
  }

  /** Connections by id, to name exclusive queues' owners; read only when there are such queues. */
  private Map<Long, ConnectionInfo> owners(boolean needed) {
    if (!needed) {
      return Map.of();
    }
    return broker.connections().stream().collect(Collectors.toMap(ConnectionInfo::id, Function.identity()));
  }

  private ApiResponse declare(ApiRequest r) {
    QueueName name = name(r);
    JsonNode body = r.jsonObject();
    Topology topology = broker.topology();
    topology.vhostOrNotFound(name.vhost());
    boolean existed = topology.queue(name).isPresent();
    r.require(Kind.CONFIGURE, name);
    Replies.check(broker.submit(new Command.DeclareQueue(name, false, Json.bool(body, "durable", false), false,
        Json.bool(body, "auto_delete", false), Json.toArguments(body.get("arguments"), "arguments"), 0, false)));
    return ApiResponse.createdOrExisted(!existed);
  }

  private ApiResponse get(ApiRequest r) {
    QueueName name = name(r);
    JsonNode body = r.jsonObject();
    List<String> missing = new ArrayList<>();
    for (String key : List.of("ackmode", "encoding")) {
      if (!body.hasNonNull(key)) {
        missing.add("{key_missing," + key + "}");
      }
    }
    if (!missing.isEmpty()) {
      throw ApiException.badRequest("[" + String.join(",", missing) + "]");
    }
    int count = integer(body, "count", 1);
    if (count < 1) {
      throw ApiException.badRequest("count must be at least 1");
    }
    QueueGetter.AckMode mode = QueueGetter.AckMode.parse(body.get("ackmode").asText());
    MessageCodec.Encoding encoding = MessageCodec.Encoding.parse(body.get("encoding").asText());
    Integer truncate = body.hasNonNull("truncate") ? integer(body, "truncate", 0) : null;
    // As RabbitMQ, whose basic.get is refused before it looks for the queue.
    r.caller().require(Kind.READ, name, Caller.Refusal.CHANNEL_REASON);
    find(broker.topology(), name);
    return ApiResponse.ok(QueueGetter.toJson(getter.get(name, count, mode), encoding, truncate));
  }

  /** An integer field, which RabbitMQ also takes as a string of digits. */
  private static int integer(JsonNode body, String field, int fallback) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (v.canConvertToInt()) {
      return v.intValue();
    }
    try {
      return Integer.parseInt(v.asText().trim());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(field + " must be an integer");
    }
  }
}
