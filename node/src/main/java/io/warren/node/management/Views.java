package io.warren.node.management;

import io.warren.model.Arguments;
import io.warren.model.Binding;
import io.warren.model.ClientsSnapshot;
import io.warren.model.ExchangeName;
import io.warren.model.QueueName;
import io.warren.node.amqp.ConnectionInfo;
import io.warren.node.amqp.MessageCounts;
import io.warren.node.amqp.MessageEvent;
import io.warren.node.metrics.BrokerSnapshot;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.function.Function;

/**
 * The JSON shapes of RabbitMQ's management API, in one place: what a queue, exchange, binding,
 * connection, channel and consumer look like, for listings, single objects and definitions alike.
 */
final class Views {
  static final String PROTOCOL = "AMQP 0-9-1";

  private final String node;
  private final Rates rates;

  Views(String node, Rates rates) {
    this.node = node;
    this.rates = rates;
  }

  String node() {
    return node;
  }

  // ------------------------------------------------------------------ exchanges

  static String exchangeNameInPath(String name) {
    return name.equals("amq.default") ? "" : name;
  }

  Map<String, Object> exchange(Topology.ExchangeDecl x) {
    return Json.obj(
        "arguments", Json.fromArguments(x.arguments()),
        "auto_delete", x.autoDelete(),
        "durable", x.durable(),
        "internal", x.internal(),
        "name", x.name().name(),
        "type", x.type(),
        "user_who_performed_action", "",
        "vhost", x.name().vhost());
  }

  /** An exchange in a definitions file: no vhost field inside a per-vhost export. */
  static Map<String, Object> exchangeDefinition(Topology.ExchangeDecl x, boolean withVhost) {
    Map<String, Object> m = Json.obj("name", x.name().name());
    if (withVhost) {
      m.put("vhost", x.name().vhost());
    }
    m.putAll(Json.obj("type", x.type(), "durable", x.durable(), "auto_delete", x.autoDelete(),
        "internal", x.internal(), "arguments", Json.fromArguments(x.arguments())));
    return m;
  }

  /** The exchanges every vhost has from the start; definitions leave them out, as RabbitMQ does. */
  static boolean predeclared(ExchangeName name) {
    return name.isDefault() || name.name().startsWith("amq.");
  }

  // ------------------------------------------------------------------ queues

  /**
   * A queue with its figures ({@code figures} null when none were found: a queue just declared)
   * and, when it is exclusive, its owner's connection if it is on this node.
   */
  Map<String, Object> queue(Topology.QueueDecl q, BrokerSnapshot.QueueFigures figures, ConnectionInfo owner) {
    int ready = figures == null ? 0 : figures.ready();
    int unacked = figures == null ? 0 : figures.unacked();
    QueueName n = q.name();
    Map<String, Object> m = Json.obj(
        "arguments", Json.fromArguments(q.arguments()),
        "auto_delete", q.autoDelete(),
        "consumers", figures == null ? 0 : figures.consumers(),
        "durable", q.durable(),
        "exclusive", q.exclusive(),
        "exclusive_consumer_tag", null,
        "messages", ready + unacked,
        "messages_details", Json.rate(rates.of(Rates.queue(n.vhost(), n.name(), "messages"))),
        "messages_ready", ready,
        "messages_ready_details", Json.rate(rates.of(Rates.queue(n.vhost(), n.name(), "messages_ready"))),
        "messages_unacknowledged", unacked,
        "messages_unacknowledged_details",
        Json.rate(rates.of(Rates.queue(n.vhost(), n.name(), "messages_unacknowledged"))),
        "name", n.name(),
        "node", node,
        "policy", q.policy() == null ? null : q.policy().name(),
        "effective_policy_definition",
        q.policy() == null ? Json.obj() : Json.fromArguments(q.policy().definition()),
        "operator_policy", null,
        "replicated", q.replicated(),
        "state", "running",
        "type", "classic",
        "vhost", n.vhost());
    if (owner != null) {
      m.put("owner_pid_details", Json.obj("name", owner.name(), "peer_host", owner.peerHost(),
          "peer_port", owner.peerPort()));
    }
    return m;
  }

  static Map<String, Object> queueDefinition(Topology.QueueDecl q, boolean withVhost) {
    Map<String, Object> m = Json.obj("name", q.name().name());
    if (withVhost) {
      m.put("vhost", q.name().vhost());
    }
    m.putAll(Json.obj("durable", q.durable(), "auto_delete", q.autoDelete(),
        "arguments", Json.fromArguments(q.arguments())));
    return m;
  }

  // ------------------------------------------------------------------ bindings

  Map<String, Object> binding(Binding b) {
    return binding(b.source().vhost(), b.source().name(), b.destination().name(),
        b.destination() instanceof QueueName ? "queue" : "exchange", b.routingKey(), b.arguments());
  }

  /** The binding every queue has from the default exchange, with its name as routing key. */
  Map<String, Object> defaultBinding(QueueName q) {
    return binding(q.vhost(), "", q.name(), "queue", q.name(), Arguments.EMPTY);
  }

  private static Map<String, Object> binding(String vhost, String source, String destination, String type,
      String key, Arguments args) {
    return Json.obj(
        "source", source,
        "vhost", vhost,
        "destination", destination,
        "destination_type", type,
        "routing_key", key,
        "arguments", Json.fromArguments(args),
        "properties_key", propertiesKey(key, args));
  }

  static Map<String, Object> bindingDefinition(Binding b, boolean withVhost) {
    Map<String, Object> m = Json.obj("source", b.source().name());
    if (withVhost) {
      m.put("vhost", b.source().vhost());
    }
    m.putAll(Json.obj("destination", b.destination().name(),
        "destination_type", b.destination() instanceof QueueName ? "queue" : "exchange",
        "routing_key", b.routingKey(), "arguments", Json.fromArguments(b.arguments())));
    return m;
  }

  /**
   * What names one binding between a source and a destination in a URL, as RabbitMQ forms it: the
   * routing key URL-encoded ({@code ~} for an empty one), plus {@code ~} and a hash of the
   * arguments when there are any.
   */
  static String propertiesKey(String routingKey, Arguments args) {
    String key = routingKey.isEmpty() && args.isEmpty() ? "~" : encode(routingKey);
    if (args.isEmpty()) {
      return key;
    }
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(Json.write(Json.fromArguments(args)));
      return key + "~" + Base64.getUrlEncoder().withoutPadding().encodeToString(hash).substring(0, 22);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  // ------------------------------------------------------------------ connections, channels, consumers

  Map<String, Object> connection(ConnectionInfo c) {
    Map<String, Object> props = Json.fromArguments(c.clientProperties());
    Object provided = props.get("connection_name");
    Map<String, Object> m = Json.obj(
        "auth_mechanism", c.authMechanism(),
        "channel_max", c.channelMax(),
        "channels", c.channels().size(),
        "client_properties", props,
        "connected_at", c.connectedAt(),
        "frame_max", c.frameMax(),
        "host", c.host(),
        "name", c.name(),
        "node", node,
        "peer_host", c.peerHost(),
        "peer_port", c.peerPort(),
        "port", c.port(),
        "protocol", PROTOCOL,
        "ssl", false,
        "state", c.state(),
        "timeout", c.heartbeat(),
        "type", "network",
        "user", c.user(),
        "vhost", c.vhost());
    if (provided != null) {
      m.put("user_provided_name", provided.toString());
    }
    return m;
  }

  static String channelName(ConnectionInfo c, int number) {
    return c.name() + " (" + number + ")";
  }

  Map<String, Object> channel(ConnectionInfo c, ConnectionInfo.ChannelInfo ch) {
    return Json.obj(
        "acks_uncommitted", 0,
        "confirm", ch.confirm(),
        "connection_details", Json.obj("name", c.name(), "peer_host", c.peerHost(), "peer_port", c.peerPort()),
        "consumer_count", ch.consumerCount(),
        "global_prefetch_count", ch.globalPrefetchCount(),
        "message_stats", messageStats(ch.counts(), field -> Rates.channel(c.id(), ch.number(), field)),
        "messages_unacknowledged", ch.unacked(),
        "messages_uncommitted", ch.uncommitted(),
        "messages_unconfirmed", 0,
        "name", channelName(c, ch.number()),
        "node", node,
        "number", ch.number(),
        "prefetch_count", ch.prefetchCount(),
        "state", "running",
        "transactional", ch.transactional(),
        "user", c.user(),
        "vhost", c.vhost());
  }

  /**
   * A consumer; {@code connection} is null when its connection is on another node of the cluster
   * (the consumer is known from the queue's replicated state, its socket is not here).
   */
  Map<String, Object> consumer(ClientChannel where, ClientsSnapshot.Consumer k, ConnectionInfo connection) {
    int number = where.number();
    Map<String, Object> channel;
    if (connection != null) {
      channel = Json.obj("connection_name", connection.name(), "name", channelName(connection, number),
          "node", node, "number", number, "peer_host", connection.peerHost(), "peer_port", connection.peerPort(),
          "user", connection.user());
    } else {
      String name = "connection " + Long.toHexString(where.connection());
      channel = Json.obj("connection_name", name, "name", name + " (" + number + ")", "number", number);
    }
    return Json.obj(
        "arguments", Json.fromArguments(k.arguments()),
        "ack_required", !k.noAck(),
        "active", true,
        "activity_status", "up",
        "channel_details", channel,
        "consumer_tag", k.tag(),
        "exclusive", k.exclusive(),
        "prefetch_count", k.prefetch(),
        "queue", Json.obj("name", k.queue().name(), "vhost", k.queue().vhost()));
  }

  /** Where a consumer is: its connection and the channel number the client knows. */
  record ClientChannel(long connection, int number) {
    static ClientChannel of(io.warren.model.ChannelRef ref) {
      // The front end keys a channel by a serial above its number (AmqpConnection): the low 16 bits.
      return new ClientChannel(ref.connection(), ref.channel() & 0xFFFF);
    }
  }

  /** RabbitMQ's {@code message_stats}: each count with its rate, keys from {@code rateKey}. */
  Map<String, Object> messageStats(MessageCounts counts, Function<String, String> rateKey) {
    Map<String, Object> m = Json.obj();
    for (MessageEvent e : MessageEvent.values()) {
      m.put(e.statName(), counts.get(e));
      m.put(e.statName() + "_details", Json.rate(rates.of(rateKey.apply(e.statName()))));
    }
    m.put("deliver_get", counts.deliverGet());
    m.put("deliver_get_details", Json.rate(rates.of(rateKey.apply("deliver_get"))));
    return m;
  }
}
