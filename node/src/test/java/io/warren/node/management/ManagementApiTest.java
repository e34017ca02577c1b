package io.warren.node.management;

import static io.warren.node.management.ManagementHttp.enc;
import static io.warren.node.it.support.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.ShutdownSignalException;
import io.warren.node.it.support.Broker;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The management API on a real node over real sockets: objects made over AMQP show up in it,
 * objects made through it are usable over AMQP, and its answers have RabbitMQ's paths, JSON
 * shapes and error codes. Runs against RabbitMQ too ({@link ManagementHttp}), where its figures
 * arrive a few seconds late: every figure is awaited, never assumed at once.
 */
class ManagementApiTest {
  @RegisterExtension static final Broker broker = Broker.standard();

  private ManagementHttp api;

  @BeforeEach
  void client() {
    api = ManagementHttp.of(broker);
  }

  private static final String ROOT = "%2F";

  private static Map<String, Object> obj(Object... kv) {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  private static Map<String, Object> publishBody(String routingKey, String payload) {
    return obj("properties", obj(), "routing_key", routingKey, "payload", payload, "payload_encoding", "string");
  }

  // ------------------------------------------------------------------ overview and nodes

  @Test
  void overviewCountsWhatAmqpClientsMade() throws Exception {
    Channel ch = broker.channel();
    String queue = broker.queueName();
    ch.queueDeclare(queue, false, false, false, null);
    ch.basicPublish("", queue, null, "a".getBytes(StandardCharsets.UTF_8));
    ch.basicPublish("", queue, null, "b".getBytes(StandardCharsets.UTF_8));

    await().untilAsserted(() -> {
      JsonNode o = api.get("/api/overview").json();
      assertThat(o.path("object_totals").path("queues").asInt()).isGreaterThanOrEqualTo(1);
      assertThat(o.path("object_totals").path("connections").asInt()).isGreaterThanOrEqualTo(1);
      assertThat(o.path("queue_totals").path("messages_ready").asLong()).isGreaterThanOrEqualTo(2);
      assertThat(o.path("message_stats").path("publish").asLong()).isGreaterThanOrEqualTo(2);
    });
    JsonNode o = api.get("/api/overview").json();
    assertThat(o.has("rabbitmq_version")).isTrue();
    assertThat(o.path("exchange_types").findValuesAsText("name")).contains("direct", "fanout", "topic", "headers");
    assertThat(o.path("listeners").findValuesAsText("protocol")).contains("amqp");
  }

  @Test
  void exchangeTypesAreDescribedAsRabbitMqDescribesThem() {
    JsonNode types = api.get("/api/overview").json().path("exchange_types");
    for (JsonNode t : types) {
      String name = t.path("name").asText();
      String expected = name.equals("x-consistent-hash") ? "Consistent Hashing Exchange" // RabbitMQ's plugin
          : "AMQP " + name + " exchange, as per the AMQP specification";
      assertThat(t.path("description").asText()).as(name).isEqualTo(expected);
    }
  }

  @Test
  void nodesListThisNodeRunning() {
    JsonNode nodes = api.get("/api/nodes").json();
    assertThat(nodes.isArray()).isTrue();
    assertThat(nodes.get(0).path("running").asBoolean()).isTrue();
    assertThat(nodes.get(0).path("mem_used").asLong()).isPositive();
    String name = nodes.get(0).path("name").asText();
    assertThat(api.get("/api/nodes/" + enc(name)).status()).isEqualTo(200);
    if (broker.embedded()) {
      assertThat(api.get("/api/nodes/nosuchnode").status()).isEqualTo(404); // RabbitMQ 3.10 answers 500
    }
  }

  // ------------------------------------------------------------------ queues

  @ParameterizedTest(name = "durable={0}")
  @ValueSource(booleans = {true, false})
  void queueDeclaredThroughTheApiIsUsableOverAmqp(boolean durable) throws Exception {
    String queue = broker.queueName();
    String path = "/api/queues/" + ROOT + "/" + enc(queue);
    Map<String, Object> body = obj("durable", durable, "auto_delete", false, "arguments", obj("x-max-length", 10));

    assertThat(api.put(path, body).status()).isEqualTo(201);
    assertThat(api.put(path, body).status()).isEqualTo(204);
    ManagementHttp.Response inequivalent = api.put(path, obj("durable", !durable));
    assertThat(inequivalent.status()).isEqualTo(400);
    assertThat(inequivalent.json().path("error").asText()).isEqualTo("bad_request");
    assertThat(inequivalent.json().path("reason").asText()).contains("inequivalent arg 'durable'");

    Channel ch = broker.channel();
    AMQP.Queue.DeclareOk ok = ch.queueDeclarePassive(queue);
    assertThat(ok.getQueue()).isEqualTo(queue);
    ch.basicPublish("", queue, null, "x".getBytes(StandardCharsets.UTF_8));

    await().untilAsserted(() -> assertThat(api.get(path).json().path("messages_ready").asInt()).isEqualTo(1));
    JsonNode q = api.get(path).json();
    assertThat(q.path("name").asText()).isEqualTo(queue);
    assertThat(q.path("vhost").asText()).isEqualTo("/");
    assertThat(q.path("durable").asBoolean()).isEqualTo(durable);
    assertThat(q.path("auto_delete").asBoolean()).isFalse();
    assertThat(q.path("exclusive").asBoolean()).isFalse();
    assertThat(q.path("arguments").path("x-max-length").asInt()).isEqualTo(10);
    assertThat(q.path("messages").asInt()).isEqualTo(1);
    assertThat(q.path("messages_unacknowledged").asInt()).isZero();
    assertThat(q.path("messages_details").has("rate")).isTrue();
    assertThat(q.path("consumer_details").isArray()).isTrue();

    JsonNode listed = find(api.get("/api/queues").json(), queue);
    assertThat(listed).isNotNull();
    assertThat(find(api.get("/api/queues/" + ROOT).json(), queue)).isNotNull();
  }

  @Test
  void deleteHonoursIfEmptyAndPurgeEmpties() throws Exception {
    String queue = broker.queueName();
    String path = "/api/queues/" + ROOT + "/" + enc(queue);
    assertThat(api.put(path, obj("durable", true)).status()).isEqualTo(201);
    assertThat(api.post("/api/exchanges/" + ROOT + "/amq.default/publish", publishBody(queue, "m")).json()
        .path("routed").asBoolean()).isTrue();
    await().untilAsserted(() -> assertThat(api.get(path).json().path("messages").asInt()).isEqualTo(1));

    ManagementHttp.Response notEmpty = api.delete(path + "?if-empty=true");
    assertThat(notEmpty.status()).isEqualTo(400);
    assertThat(notEmpty.json().path("reason").asText()).contains("not empty");

    assertThat(api.delete(path + "/contents").status()).isEqualTo(204);
    await().untilAsserted(() -> assertThat(api.get(path).json().path("messages").asInt()).isZero());
    assertThat(api.delete(path + "?if-empty=true").status()).isEqualTo(204);
    assertThat(api.get(path).status()).isEqualTo(404);
    assertThat(api.delete(path).status()).isEqualTo(404);
    assertThat(api.delete(path + "/contents").status()).isEqualTo(404);
  }

  @Test
  void deleteHonoursIfUnused() throws Exception {
    String queue = broker.queueName();
    String path = "/api/queues/" + ROOT + "/" + enc(queue);
    Channel ch = broker.channel();
    ch.queueDeclare(queue, true, false, false, null);
    ch.basicConsume(queue, true, (tag, d) -> { }, tag -> { });
    await().untilAsserted(() -> assertThat(api.get(path).json().path("consumers").asInt()).isEqualTo(1));
    ManagementHttp.Response inUse = api.delete(path + "?if-unused=true");
    assertThat(inUse.status()).isEqualTo(400);
    assertThat(inUse.json().path("reason").asText()).contains("in use");
  }

  @ParameterizedTest(name = "durable={0}")
  @ValueSource(booleans = {true, false})
  void getMessagesInEveryAckMode(boolean durable) throws Exception {
    String queue = broker.queueName();
    String path = "/api/queues/" + ROOT + "/" + enc(queue);
    assertThat(api.put(path, obj("durable", durable)).status()).isEqualTo(201);
    for (String m : List.of("one", "two", "three", "four")) {
      api.post("/api/exchanges/" + ROOT + "/amq.default/publish", obj("properties",
          obj("delivery_mode", 2, "headers", obj("n", m), "content_type", "text/plain"), "routing_key", queue,
          "payload", m, "payload_encoding", "string"));
    }
    await().untilAsserted(() -> assertThat(api.get(path).json().path("messages").asInt()).isEqualTo(4));

    // Requeued: still there, now redelivered.
    JsonNode peek = get(path, 2, "ack_requeue_true", "auto", null);
    assertThat(peek.size()).isEqualTo(2);
    assertThat(peek.get(0).path("payload").asText()).isEqualTo("one");
    assertThat(peek.get(0).path("payload_encoding").asText()).isEqualTo("string");
    assertThat(peek.get(0).path("payload_bytes").asInt()).isEqualTo(3);
    assertThat(peek.get(0).path("redelivered").asBoolean()).isFalse();
    assertThat(peek.get(0).path("exchange").asText()).isEmpty();
    assertThat(peek.get(0).path("routing_key").asText()).isEqualTo(queue);
    assertThat(peek.get(0).path("properties").path("headers").path("n").asText()).isEqualTo("one");
    assertThat(peek.get(0).path("properties").path("content_type").asText()).isEqualTo("text/plain");
    assertThat(peek.get(0).path("properties").path("delivery_mode").asInt()).isEqualTo(2);
    await().untilAsserted(() -> assertThat(api.get(path).json().path("messages_ready").asInt()).isEqualTo(4));
    JsonNode again = get(path, 1, "reject_requeue_true", "base64", 2);
    assertThat(again.get(0).path("redelivered").asBoolean()).isTrue();
    assertThat(again.get(0).path("payload_encoding").asText()).isEqualTo("base64");
    assertThat(again.get(0).path("payload").asText()).isEqualTo("b24="); // "on", truncated to 2 bytes
    assertThat(again.get(0).path("payload_bytes").asInt()).isEqualTo(3);

    // Removed: acknowledged, then rejected without requeue.
    JsonNode taken = get(path, 1, "ack_requeue_false", "auto", null);
    assertThat(taken.get(0).path("payload").asText()).isEqualTo("one");
    JsonNode rejected = get(path, 1, "reject_requeue_false", "auto", null);
    assertThat(rejected.get(0).path("payload").asText()).isEqualTo("two");
    await().untilAsserted(() -> assertThat(api.get(path).json().path("messages").asInt()).isEqualTo(2));

    // More than there is: what there is.
    JsonNode rest = get(path, 10, "ack_requeue_false", "auto", null);
    assertThat(rest.size()).isEqualTo(2);
    assertThat(rest.get(1).path("message_count").asInt()).isZero();
    assertThat(get(path, 1, "ack_requeue_false", "auto", null).size()).isZero();

    // The API's gets leave no connection behind.
    await().untilAsserted(() -> assertThat(api.get("/api/overview").json().path("object_totals")
        .path("connections").asInt()).isEqualTo(openConnections()));
  }

  private int openConnections() {
    return api.get("/api/connections").json().size();
  }

  @Test
  void getRefusesBadRequests() {
    String queue = broker.queueName();
    String path = "/api/queues/" + ROOT + "/" + enc(queue);
    api.put(path, obj("durable", false));
    assertThat(api.post(path + "/get", obj("count", 1)).status()).isEqualTo(400);
    assertThat(api.post("/api/queues/" + ROOT + "/nosuchqueue/get",
        obj("count", 1, "ackmode", "ack_requeue_true", "encoding", "auto")).status()).isEqualTo(404);
  }

  private JsonNode get(String queuePath, int count, String ackmode, String encoding, Integer truncate) {
    Map<String, Object> body = obj("count", count, "ackmode", ackmode, "encoding", encoding);
    if (truncate != null) {
      body.put("truncate", truncate);
    }
    ManagementHttp.Response r = api.post(queuePath + "/get", body);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  // ------------------------------------------------------------------ exchanges and publishing

  @Test
  void exchangesAreDeclaredPublishedToAndDeleted() throws Exception {
    String exchange = broker.exchangeName();
    String queue = broker.queueName();
    String path = "/api/exchanges/" + ROOT + "/" + enc(exchange);
    assertThat(api.put(path, obj("type", "topic", "durable", true)).status()).isEqualTo(201);
    assertThat(api.put(path, obj("type", "topic", "durable", true)).status()).isEqualTo(204);
    assertThat(api.put(path, obj("type", "fanout", "durable", true)).status()).isEqualTo(400);
    assertThat(api.put("/api/exchanges/" + ROOT + "/" + enc(broker.exchangeName()), obj("type", "nope")).status())
        .isEqualTo(400);

    JsonNode x = api.get(path).json();
    assertThat(x.path("name").asText()).isEqualTo(exchange);
    assertThat(x.path("type").asText()).isEqualTo("topic");
    assertThat(x.path("durable").asBoolean()).isTrue();
    assertThat(x.path("internal").asBoolean()).isFalse();
    assertThat(find(api.get("/api/exchanges/" + ROOT).json(), exchange)).isNotNull();
    assertThat(api.get("/api/exchanges/" + ROOT + "/amq.default").json().path("name").asText()).isEmpty();

    Channel ch = broker.channel();
    ch.queueDeclare(queue, false, false, false, null);
    ch.queueBind(queue, exchange, "a.#");
    assertThat(api.post(path + "/publish", publishBody("a.b", "hi")).json().path("routed").asBoolean()).isTrue();
    assertThat(api.post(path + "/publish", publishBody("z", "hi")).json().path("routed").asBoolean()).isFalse();
    GetResponse got = await().until(() -> ch.basicGet(queue, true), r -> r != null);
    assertThat(new String(got.getBody(), StandardCharsets.UTF_8)).isEqualTo("hi");
    assertThat(got.getEnvelope().getRoutingKey()).isEqualTo("a.b");

    ManagementHttp.Response incomplete = api.post(path + "/publish", obj("routing_key", "a"));
    assertThat(incomplete.status()).isEqualTo(400);
    ManagementHttp.Response missing = api.post("/api/exchanges/" + ROOT + "/nosuchexchange/publish",
        publishBody("a", "b"));
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.json().path("reason").asText()).contains("NOT_FOUND");

    assertThat(api.delete("/api/exchanges/" + ROOT + "/amq.direct").status()).isEqualTo(401);
    assertThat(api.delete(path + "?if-unused=true").status()).isEqualTo(400);
    assertThat(api.delete(path).status()).isEqualTo(204);
    assertThat(api.get(path).status()).isEqualTo(404);
    assertThat(api.delete(path).status()).isEqualTo(404);
  }

  @ParameterizedTest(name = "durable={0}")
  @ValueSource(booleans = {true, false})
  void publishHonoursPriorityAndExpiration(boolean durable) throws Exception {
    Channel ch = broker.channel();
    String prioritized = broker.queueName();
    String expiring = broker.queueName();
    ch.queueDeclare(prioritized, durable, false, false, Map.of("x-max-priority", 10));
    ch.queueDeclare(expiring, durable, false, false, null);
    String publish = "/api/exchanges/" + ROOT + "/amq.default/publish";
    for (int priority : new int[] {1, 9, 5}) {
      assertThat(api.post(publish, obj("properties", obj("priority", priority), "routing_key", prioritized,
          "payload", "p" + priority, "payload_encoding", "string")).json().path("routed").asBoolean()).isTrue();
    }
    api.post(publish, obj("properties", obj("expiration", "1"), "routing_key", expiring, "payload", "gone",
        "payload_encoding", "string"));
    api.post(publish, obj("properties", obj("expiration", "600000"), "routing_key", expiring, "payload", "kept",
        "payload_encoding", "string"));

    List<String> order = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      GetResponse got = await().until(() -> ch.basicGet(prioritized, true), r -> r != null);
      order.add(new String(got.getBody(), StandardCharsets.UTF_8) + "/" + got.getProps().getPriority());
    }
    assertThat(order).containsExactly("p9/9", "p5/5", "p1/1");
    await().until(() -> ch.queueDeclarePassive(expiring).getMessageCount() == 1);
    GetResponse kept = ch.basicGet(expiring, true);
    assertThat(new String(kept.getBody(), StandardCharsets.UTF_8)).isEqualTo("kept");
    assertThat(kept.getProps().getExpiration()).isEqualTo("600000");
  }

  // ------------------------------------------------------------------ bindings

  @Test
  void bindingsAreListedMadeAndRemoved() throws Exception {
    String exchange = broker.exchangeName();
    String other = broker.exchangeName();
    String queue = broker.queueName();
    api.put("/api/exchanges/" + ROOT + "/" + enc(exchange), obj("type", "direct", "durable", true));
    api.put("/api/exchanges/" + ROOT + "/" + enc(other), obj("type", "fanout", "durable", true));
    api.put("/api/queues/" + ROOT + "/" + enc(queue), obj("durable", true));
    String between = "/api/bindings/" + ROOT + "/e/" + enc(exchange) + "/q/" + enc(queue);

    ManagementHttp.Response made = api.post(between, obj("routing_key", "k#1", "arguments", obj()));
    assertThat(made.status()).isEqualTo(201);
    assertThat(made.header("Location")).isEqualTo(enc(queue) + "/" + enc(enc("k#1")));
    ManagementHttp.Response withArgs = api.post(between, obj("routing_key", "k", "arguments", obj("x", 1)));
    assertThat(withArgs.status()).isEqualTo(201);

    JsonNode listed = api.get(between).json();
    assertThat(listed.size()).isEqualTo(2);
    JsonNode first = findBy(listed, "routing_key", "k#1");
    assertThat(first.path("source").asText()).isEqualTo(exchange);
    assertThat(first.path("destination").asText()).isEqualTo(queue);
    assertThat(first.path("destination_type").asText()).isEqualTo("queue");
    assertThat(first.path("routing_key").asText()).isEqualTo("k#1");
    assertThat(first.path("properties_key").asText()).isEqualTo("k%231");
    assertThat(first.path("vhost").asText()).isEqualTo("/");

    JsonNode ofQueue = api.get("/api/queues/" + ROOT + "/" + enc(queue) + "/bindings").json();
    assertThat(ofQueue.findValuesAsText("source")).containsExactly("", exchange, exchange);
    assertThat(api.get("/api/exchanges/" + ROOT + "/" + enc(exchange) + "/bindings/source").json().size())
        .isEqualTo(2);
    assertThat(api.get("/api/bindings/" + ROOT).json().findValuesAsText("destination")).contains(queue);

    // Over AMQP the binding routes.
    Channel ch = broker.channel();
    ch.basicPublish(exchange, "k#1", null, "routed".getBytes(StandardCharsets.UTF_8));
    assertThat(await().until(() -> ch.basicGet(queue, true), r -> r != null).getBody()).isEqualTo(
        "routed".getBytes(StandardCharsets.UTF_8));

    String withArgsKey = findBy(listed, "routing_key", "k").path("properties_key").asText();
    assertThat(api.get(between + "/" + enc(withArgsKey)).json().path("arguments").path("x").asInt()).isEqualTo(1);
    assertThat(api.delete(between + "/" + enc(withArgsKey)).status()).isEqualTo(204);
    assertThat(api.delete(between + "/" + enc("k%231")).status()).isEqualTo(204);
    assertThat(api.delete(between + "/" + enc("k%231")).status()).isEqualTo(404);
    assertThat(api.get(between).json().size()).isZero();

    String e2e = "/api/bindings/" + ROOT + "/e/" + enc(exchange) + "/e/" + enc(other);
    assertThat(api.post(e2e, obj("routing_key", "r")).status()).isEqualTo(201);
    assertThat(api.get("/api/exchanges/" + ROOT + "/" + enc(other) + "/bindings/destination").json().get(0)
        .path("destination_type").asText()).isEqualTo("exchange");
    assertThat(api.delete(e2e + "/r").status()).isEqualTo(204);

    ManagementHttp.Response noQueue = api.post("/api/bindings/" + ROOT + "/e/" + enc(exchange) + "/q/nosuchqueue",
        obj("routing_key", "k"));
    assertThat(noQueue.status()).isEqualTo(404);
    assertThat(noQueue.json().path("error").asText()).isEqualTo("not_found");
  }

  // ------------------------------------------------------------------ connections, channels, consumers

  @Test
  void connectionsChannelsAndConsumersAreListedAndAConnectionCanBeClosed() throws Exception {
    String name = "mgmt-it-" + UUID.randomUUID();
    String queue = broker.queueName();
    Connection connection = broker.factory().newConnection(name);
    try {
      CompletableFuture<ShutdownSignalException> closed = new CompletableFuture<>();
      connection.addShutdownListener(closed::complete);
      Channel ch = connection.createChannel();
      ch.basicQos(7);
      ch.confirmSelect();
      ch.queueDeclare(queue, false, false, false, null);
      ch.basicPublish("", queue, null, "m".getBytes(StandardCharsets.UTF_8));
      ch.waitForConfirmsOrDie(10_000);
      ch.basicConsume(queue, false, "ctag-it", (tag, d) -> { }, tag -> { });

      JsonNode conn = await().until(() -> findBy(api.get("/api/connections").json(), "user_provided_name", name),
          c -> c != null && c.path("state").asText().equals("running"));
      assertThat(conn.path("user").asText()).isEqualTo(broker.username());
      assertThat(conn.path("vhost").asText()).isEqualTo("/");
      assertThat(conn.path("protocol").asText()).isEqualTo("AMQP 0-9-1");
      assertThat(conn.path("state").asText()).isEqualTo("running");
      assertThat(conn.path("client_properties").path("connection_name").asText()).isEqualTo(name);
      String connName = conn.path("name").asText();
      assertThat(connName).isEqualTo("127.0.0.1:" + conn.path("peer_port").asInt() + " -> 127.0.0.1:"
          + conn.path("port").asInt());
      assertThat(api.get("/api/connections/" + enc(connName)).json().path("name").asText()).isEqualTo(connName);

      JsonNode channel = await().until(() -> findBy(api.get("/api/channels").json(), "name", connName + " (1)"),
          c -> c != null && c.path("consumer_count").asInt() == 1);
      assertThat(channel.path("number").asInt()).isEqualTo(1);
      assertThat(channel.path("confirm").asBoolean()).isTrue();
      assertThat(channel.path("prefetch_count").asInt()).isEqualTo(7);
      assertThat(channel.path("connection_details").path("name").asText()).isEqualTo(connName);
      await().untilAsserted(() -> assertThat(findBy(api.get("/api/channels").json(), "name", connName + " (1)")
          .path("message_stats").path("publish").asInt()).isEqualTo(1));
      assertThat(api.get("/api/connections/" + enc(connName) + "/channels").json().size()).isEqualTo(1);
      await().untilAsserted(() -> {
        JsonNode stats = api.get("/api/queues/" + ROOT + "/" + enc(queue)).json().path("message_stats");
        assertThat(stats.path("publish").asInt()).isEqualTo(1);
        assertThat(stats.path("deliver_get").asInt()).isEqualTo(1);
        assertThat(stats.path("ack").asInt()).isZero();
        assertThat(stats.path("publish_details").path("rate").isNumber()).isTrue();
      });

      JsonNode consumer = await().until(() -> findBy(api.get("/api/consumers").json(), "consumer_tag", "ctag-it"),
          c -> c != null);
      assertThat(consumer.path("queue").path("name").asText()).isEqualTo(queue);
      assertThat(consumer.path("ack_required").asBoolean()).isTrue();
      assertThat(consumer.path("prefetch_count").asInt()).isEqualTo(7);
      assertThat(consumer.path("channel_details").path("connection_name").asText()).isEqualTo(connName);
      assertThat(consumer.path("channel_details").path("number").asInt()).isEqualTo(1);
      assertThat(findBy(api.get("/api/queues/" + ROOT + "/" + enc(queue)).json().path("consumer_details"),
          "consumer_tag", "ctag-it")).isNotNull();

      ManagementHttp.Response close = api.send("DELETE", "/api/connections/" + enc(connName), null,
          "X-Reason", "maintenance window");
      assertThat(close.status()).isEqualTo(204);
      ShutdownSignalException signal = closed.get(30, TimeUnit.SECONDS);
      assertThat(signal.isHardError()).isTrue();
      AMQP.Connection.Close method = (AMQP.Connection.Close) signal.getReason();
      assertThat(method.getReplyCode()).isEqualTo(320);
      assertThat(method.getReplyText()).isEqualTo("CONNECTION_FORCED - maintenance window");
      await().untilAsserted(() -> assertThat(findBy(api.get("/api/connections").json(), "name", connName)).isNull());
    } finally {
      connection.abort();
    }
    assertThat(api.delete("/api/connections/" + enc("no such connection")).status()).isEqualTo(404);
  }

  // ------------------------------------------------------------------ vhosts, users, permissions

  @Test
  void vhostsAreCreatedAndListed() throws Exception {
    String vhost = "it.v." + UUID.randomUUID().toString().substring(0, 8);
    assertThat(api.put("/api/vhosts/" + enc(vhost), null).status()).isEqualTo(201);
    assertThat(api.put("/api/vhosts/" + enc(vhost), null).status()).isEqualTo(204);
    assertThat(api.get("/api/vhosts").json().findValuesAsText("name")).contains("/", vhost);
    assertThat(api.get("/api/vhosts/" + enc(vhost)).json().path("name").asText()).isEqualTo(vhost);
    assertThat(api.get("/api/vhosts/nosuchvhost").status()).isEqualTo(404);
    assertThat(api.get("/api/queues/nosuchvhost").status()).isEqualTo(404);

    assertThat(api.put("/api/queues/" + enc(vhost) + "/q", obj("durable", true)).status()).isEqualTo(201);
    com.rabbitmq.client.ConnectionFactory f = broker.factory();
    f.setVirtualHost(vhost);
    try (Connection c = f.newConnection()) {
      assertThat(c.createChannel().queueDeclarePassive("q").getQueue()).isEqualTo("q");
    }

    assertThat(api.delete("/api/vhosts/" + enc(vhost)).status()).isEqualTo(204);
    assertThat(api.get("/api/vhosts/" + enc(vhost)).status()).isEqualTo(404);
    assertThat(api.get("/api/queues/" + enc(vhost) + "/q").status()).isEqualTo(404);
    assertThat(api.delete("/api/vhosts/" + enc(vhost)).status()).isEqualTo(404);
  }

  @Test
  void usersPermissionsAndWhoami() {
    String user = broker.username();
    JsonNode me = api.get("/api/whoami").json();
    assertThat(me.path("name").asText()).isEqualTo(user);
    assertThat(me.path("tags").toString()).contains("administrator");

    JsonNode u = findBy(api.get("/api/users").json(), "name", user);
    assertThat(u.path("hashing_algorithm").asText()).isEqualTo("rabbit_password_hashing_sha256");
    assertThat(u.path("password_hash").asText()).isNotEmpty();
    assertThat(api.get("/api/users/" + enc(user)).status()).isEqualTo(200);
    assertThat(api.get("/api/users/nosuchuser").status()).isEqualTo(404);

    JsonNode p = findBy(api.get("/api/permissions").json(), "vhost", "/");
    assertThat(p.path("user").asText()).isEqualTo(user);
    assertThat(p.path("configure").asText()).isEqualTo(".*");
    assertThat(p.path("write").asText()).isEqualTo(".*");
    assertThat(p.path("read").asText()).isEqualTo(".*");
    assertThat(api.get("/api/permissions/" + ROOT + "/" + enc(user)).json().path("read").asText()).isEqualTo(".*");
  }

  // ------------------------------------------------------------------ definitions

  @Test
  void definitionsExportWhatExistsAndImportDeclaresIt() throws Exception {
    String exchange = broker.exchangeName();
    String queue = broker.queueName();
    api.put("/api/exchanges/" + ROOT + "/" + enc(exchange), obj("type", "fanout", "durable", true));
    api.put("/api/queues/" + ROOT + "/" + enc(queue), obj("durable", true, "arguments", obj("x-max-length", 5)));
    api.post("/api/bindings/" + ROOT + "/e/" + enc(exchange) + "/q/" + enc(queue), obj("routing_key", "rk"));

    JsonNode defs = api.get("/api/definitions").json();
    assertThat(defs.has("rabbit_version")).isTrue();
    assertThat(defs.path("vhosts").findValuesAsText("name")).contains("/");
    assertThat(defs.path("users").findValuesAsText("name")).contains(broker.username());
    JsonNode q = findBy(defs.path("queues"), "name", queue);
    assertThat(q.path("vhost").asText()).isEqualTo("/");
    assertThat(q.path("durable").asBoolean()).isTrue();
    assertThat(q.path("arguments").path("x-max-length").asInt()).isEqualTo(5);
    assertThat(findBy(defs.path("exchanges"), "name", exchange).path("type").asText()).isEqualTo("fanout");
    assertThat(defs.path("exchanges").findValuesAsText("name")).doesNotContain("amq.direct", "");
    JsonNode b = findBy(defs.path("bindings"), "source", exchange);
    assertThat(b.path("destination").asText()).isEqualTo(queue);
    assertThat(b.path("routing_key").asText()).isEqualTo("rk");

    // The same objects, in a new vhost, from a definitions file.
    String vhost = "it.defs." + UUID.randomUUID().toString().substring(0, 8);
    Map<String, Object> file = obj(
        "vhosts", List.of(obj("name", vhost)),
        "exchanges", List.of(obj("name", "ix", "vhost", vhost, "type", "fanout", "durable", true,
            "auto_delete", false, "internal", false, "arguments", obj())),
        "queues", List.of(obj("name", "iq", "vhost", vhost, "durable", true, "auto_delete", false,
            "arguments", obj("x-max-length", 5))),
        "bindings", List.of(obj("source", "ix", "vhost", vhost, "destination", "iq", "destination_type", "queue",
            "routing_key", "", "arguments", obj())));
    ManagementHttp.Response imported = api.post("/api/definitions", file);
    assertThat(imported.status()).as(imported.body()).isIn(200, 204);

    com.rabbitmq.client.ConnectionFactory f = broker.factory();
    f.setVirtualHost(vhost);
    try (Connection c = f.newConnection()) {
      Channel ch = c.createChannel();
      ch.confirmSelect();
      ch.basicPublish("ix", "", null, "via-import".getBytes(StandardCharsets.UTF_8));
      ch.waitForConfirmsOrDie(10_000);
      GetResponse got = await().until(() -> ch.basicGet("iq", true), r -> r != null);
      assertThat(new String(got.getBody(), StandardCharsets.UTF_8)).isEqualTo("via-import");
    }
    JsonNode perVhost = api.get("/api/definitions/" + enc(vhost)).json();
    assertThat(perVhost.path("queues").findValuesAsText("name")).containsExactly("iq");
    assertThat(perVhost.path("queues").get(0).has("vhost")).isFalse();

    ManagementHttp.Response unknownVhost = api.post("/api/definitions",
        obj("queues", List.of(obj("name", "q", "vhost", "nosuchvhost", "durable", true))));
    assertThat(unknownVhost.status()).isEqualTo(400);
    api.delete("/api/vhosts/" + enc(vhost));
  }

  // ------------------------------------------------------------------ health

  @Test
  void healthChecksPass() {
    ManagementHttp.Response alarms = api.get("/api/health/checks/alarms");
    assertThat(alarms.status()).isEqualTo(200);
    assertThat(alarms.json().path("status").asText()).isEqualTo("ok");
    ManagementHttp.Response alive = api.get("/api/aliveness-test/" + ROOT);
    assertThat(alive.status()).isEqualTo(200);
    assertThat(alive.json().path("status").asText()).isEqualTo("ok");
    assertThat(api.get("/api/aliveness-test/nosuchvhost").status()).isEqualTo(404);
  }

  // ------------------------------------------------------------------ authentication and errors

  @Test
  void callsNeedBasicAuth() {
    ManagementHttp.Response none = api.anonymous().get("/api/overview");
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.header("WWW-Authenticate")).startsWith("Basic");
    ManagementHttp.Response wrong = api.as(broker.username(), "wrong-password").get("/api/overview");
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.json().path("error").asText()).isEqualTo("not_authorized");
    ManagementHttp.Response unknown = api.as("nobody", "x").get("/api/queues");
    assertThat(unknown.status()).isEqualTo(401);
  }

  @Test
  void errorsHaveRabbitMqsShape() {
    ManagementHttp.Response unknownPath = api.get("/api/nosuchthing");
    assertThat(unknownPath.status()).isEqualTo(404);
    assertThat(unknownPath.json().path("error").asText()).isEqualTo("Object Not Found");
    assertThat(unknownPath.json().path("reason").asText()).isEqualTo("Not Found");
    assertThat(api.get("/api/queues/" + ROOT + "/nosuchqueue").status()).isEqualTo(404);
    assertThat(api.post("/api/overview", obj()).status()).isEqualTo(405);
    ManagementHttp.Response badJson = api.put("/api/queues/" + ROOT + "/" + enc(broker.queueName()), "{not json");
    assertThat(badJson.status()).isEqualTo(400);
    assertThat(badJson.json().path("reason").asText()).isEqualTo("not_json");
    assertThat(api.put("/api/queues/" + ROOT + "/amq.reserved", obj()).status()).isEqualTo(401);
  }

  // ------------------------------------------------------------------ helpers

  /** The element of a JSON array whose "name" is {@code name}, or null. */
  private static JsonNode find(JsonNode array, String name) {
    return findBy(array, "name", name);
  }

  private static JsonNode findBy(JsonNode array, String field, String value) {
    List<JsonNode> hits = new ArrayList<>();
    array.forEach(e -> {
      if (value.equals(e.path(field).asText(null))) {
        hits.add(e);
      }
    });
    return hits.isEmpty() ? null : hits.get(0);
  }
}
