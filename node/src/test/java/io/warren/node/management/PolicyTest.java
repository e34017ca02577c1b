package io.warren.node.management;

import static io.warren.node.it.support.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import io.warren.node.it.support.Broker;
import io.warren.node.it.support.Inbox;
import io.warren.node.it.support.Waits;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Policies as a RabbitMQ user sees them: set through the management API, they change how queues
 * behave over AMQP (TTL, length limits, dead lettering) at once, also for queues that already
 * exist; the highest priority applies; a queue's own argument wins (the lower number, for limits);
 * clearing one restores the queue's own behaviour. The API's answers have RabbitMQ's shapes. Runs
 * against RabbitMQ too ({@link ManagementHttp}), where a queue's policy shows in its JSON a few
 * seconds late: that is awaited.
 */
class PolicyTest {
  @RegisterExtension static final Broker broker = Broker.standard();
  private static final String ROOT = "%2F";

  private ManagementHttp api;
  private final List<String> policies = new ArrayList<>();

  @BeforeEach
  void client() {
    api = ManagementHttp.of(broker);
  }

  @AfterEach
  void clearPolicies() {
    policies.forEach(name -> api.delete("/api/policies/" + ROOT + "/" + name));
  }

  /** Sets a policy on the default vhost, for exactly {@code queue}; returns its name. */
  private String policy(String queue, int priority, Map<String, Object> definition) {
    String name = "it.p." + UUID.randomUUID().toString().substring(0, 13);
    policies.add(name);
    ManagementHttp.Response r = api.put("/api/policies/" + ROOT + "/" + name, Map.of(
        "pattern", exactly(queue), "definition", definition, "priority", priority, "apply-to", "queues"));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return name;
  }

  private static List<String> fieldNames(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static String exactly(String name) {
    return "^" + name.replace(".", "\\.") + "$";
  }

  private static void publish(Channel ch, String queue, String... bodies) throws Exception {
    ch.confirmSelect();
    for (String body : bodies) {
      ch.basicPublish("", queue, MessageProperties.PERSISTENT_TEXT_PLAIN, Inbox.bytes(body));
    }
    ch.waitForConfirmsOrDie(Waits.TIMEOUT.toMillis());
  }

  private static List<String> drain(Channel ch, String queue) throws Exception {
    List<String> bodies = new ArrayList<>();
    GetResponse r;
    while ((r = ch.basicGet(queue, true)) != null) {
      bodies.add(Inbox.text(r));
    }
    return bodies;
  }

  /** A fanout dead-letter exchange with a queue behind it; returns the exchange. */
  private static String deadLetterQueue(Channel ch, String dlq) throws Exception {
    String dlx = broker.exchangeName();
    ch.exchangeDeclare(dlx, "fanout", true);
    ch.queueDeclare(dlq, false, false, false, null);
    ch.queueBind(dlq, dlx, "");
    return dlx;
  }

  // ------------------------------------------------------------------ behaviour over AMQP

  @ParameterizedTest(name = "durable={0}")
  @ValueSource(booleans = {true, false})
  void aTtlPolicyExpiresMessages(boolean durable) throws Exception {
    Channel ch = broker.channel();
    String queue = broker.queueName();
    ch.queueDeclare(queue, durable, false, false, null);
    policy(queue, 0, Map.of("message-ttl", 50));
    publish(ch, queue, "short-lived");
    await().until(() -> ch.queueDeclarePassive(queue).getMessageCount() == 0);
    assertThat(ch.basicGet(queue, true)).isNull();
  }

  @ParameterizedTest(name = "durable={0}")
  @ValueSource(booleans = {true, false})
  void aMaxLengthPolicyTrimsAQueueThatHasMessagesAlready(boolean durable) throws Exception {
    Channel ch = broker.channel();
    String queue = broker.queueName();
    ch.queueDeclare(queue, durable, false, false, null);
    publish(ch, queue, "a", "b", "c", "d", "e");

    policy(queue, 0, Map.of("max-length", 2));
    await().until(() -> ch.queueDeclarePassive(queue).getMessageCount() == 2);
    publish(ch, queue, "f");
    assertThat(drain(ch, queue)).containsExactly("e", "f");
  }

  @Test
  void ofTwoMatchingPoliciesTheHigherPriorityApplies() throws Exception {
    Channel ch = broker.channel();
    String queue = broker.queueName();
    ch.queueDeclare(queue, true, false, false, null);
    String low = policy(queue, 1, Map.of("max-length", 1));
    String high = policy(queue, 2, Map.of("max-length", 3));

    publish(ch, queue, "a", "b", "c", "d");
    assertThat(drain(ch, queue)).containsExactly("b", "c", "d");
    await().untilAsserted(() -> {
      JsonNode q = api.get("/api/queues/" + ROOT + "/" + queue).json();
      assertThat(q.path("policy").asText()).isEqualTo(high);
      assertThat(q.path("effective_policy_definition").path("max-length").asInt()).isEqualTo(3);
    });
    assertThat(low).isNotEqualTo(high);
  }

  @Test
  void aQueueArgumentWinsOverAPolicyButTheLowerLimitCounts() throws Exception {
    Channel ch = broker.channel();
    String own = broker.queueName();
    String fromPolicy = broker.queueName();
    String queue = broker.queueName();
    String ownDlx = deadLetterQueue(ch, own);
    String policyDlx = deadLetterQueue(ch, fromPolicy);
    ch.queueDeclare(queue, true, false, false, Map.of("x-dead-letter-exchange", ownDlx, "x-max-length", 2));
    policy(queue, 0, Map.of("dead-letter-exchange", policyDlx, "max-length", 5));

    publish(ch, queue, "a", "b", "c");
    GetResponse dead = await().until(() -> ch.basicGet(own, true), r -> r != null);
    assertThat(Inbox.text(dead)).isEqualTo("a");
    assertThat(ch.queueDeclarePassive(fromPolicy).getMessageCount()).isZero();
    assertThat(drain(ch, queue)).containsExactly("b", "c");
  }

  @Test
  void aPolicyLimitBelowTheQueueArgumentCounts() throws Exception {
    Channel ch = broker.channel();
    String queue = broker.queueName();
    ch.queueDeclare(queue, true, false, false, Map.of("x-max-length", 5));
    policy(queue, 0, Map.of("max-length", 1));
    publish(ch, queue, "a", "b", "c");
    assertThat(drain(ch, queue)).containsExactly("c");
  }

  @ParameterizedTest(name = "durable={0}")
  @ValueSource(booleans = {true, false})
  void aDeadLetterPolicyDeadLettersRejectedMessages(boolean durable) throws Exception {
    Channel ch = broker.channel();
    String dlq = broker.queueName();
    String queue = broker.queueName();
    String dlx = deadLetterQueue(ch, dlq);
    ch.queueDeclare(queue, durable, false, false, null);
    policy(queue, 0, Map.of("dead-letter-exchange", dlx));
    publish(ch, queue, "refused");

    GetResponse got = ch.basicGet(queue, false);
    ch.basicReject(got.getEnvelope().getDeliveryTag(), false);
    GetResponse dead = await().until(() -> ch.basicGet(dlq, true), r -> r != null);
    assertThat(Inbox.text(dead)).isEqualTo("refused");
    assertThat(dead.getProps().getHeaders().get("x-first-death-reason")).hasToString("rejected");
    assertThat(dead.getProps().getHeaders().get("x-first-death-queue")).hasToString(queue);
  }

  @Test
  void clearingAPolicyRestoresTheQueuesOwnBehaviour() throws Exception {
    Channel ch = broker.channel();
    String queue = broker.queueName();
    ch.queueDeclare(queue, true, false, false, null);
    String name = policy(queue, 0, Map.of("max-length", 1));
    publish(ch, queue, "a", "b");
    assertThat(ch.queueDeclarePassive(queue).getMessageCount()).isEqualTo(1);

    assertThat(api.delete("/api/policies/" + ROOT + "/" + name).status()).isEqualTo(204);
    publish(ch, queue, "c", "d");
    assertThat(drain(ch, queue)).containsExactly("b", "c", "d");
    await().untilAsserted(() -> assertThat(api.get("/api/queues/" + ROOT + "/" + queue).json().path("policy").isNull())
        .isTrue());
  }

  @Test
  void aPolicyAppliesToQueuesDeclaredAfterIt() throws Exception {
    Channel ch = broker.channel();
    String queue = broker.queueName();
    policy(queue, 0, Map.of("max-length", 1));
    ch.queueDeclare(queue, true, false, false, null);
    publish(ch, queue, "a", "b");
    assertThat(drain(ch, queue)).containsExactly("b");
  }

  @Test
  void aPolicyForExchangesLeavesQueuesAlone() throws Exception {
    Channel ch = broker.channel();
    String queue = broker.queueName();
    ch.queueDeclare(queue, true, false, false, null);
    String name = "it.p." + UUID.randomUUID().toString().substring(0, 13);
    policies.add(name);
    assertThat(api.put("/api/policies/" + ROOT + "/" + name, Map.of("pattern", exactly(queue),
        "definition", Map.of("max-length", 1), "apply-to", "exchanges")).status()).isEqualTo(201);
    publish(ch, queue, "a", "b");
    assertThat(drain(ch, queue)).containsExactly("a", "b");
  }

  // ------------------------------------------------------------------ API shapes

  @Test
  void policiesHaveRabbitMqsShapesAndAnswers() {
    String name = "it.p." + UUID.randomUUID().toString().substring(0, 13);
    policies.add(name);
    String path = "/api/policies/" + ROOT + "/" + name;
    Map<String, Object> body = Map.of("pattern", "^it\\.shapes\\.", "definition", Map.of("max-length", 10,
        "overflow", "reject-publish"), "priority", 3, "apply-to", "queues");
    assertThat(api.put(path, body).status()).isEqualTo(201);
    assertThat(api.put(path, body).status()).isEqualTo(204);

    JsonNode p = api.get(path).json();
    assertThat(fieldNames(p)).containsExactly("vhost", "name", "pattern", "apply-to", "definition",
        "priority");
    assertThat(p.path("vhost").asText()).isEqualTo("/");
    assertThat(p.path("name").asText()).isEqualTo(name);
    assertThat(p.path("pattern").asText()).isEqualTo("^it\\.shapes\\.");
    assertThat(p.path("apply-to").asText()).isEqualTo("queues");
    assertThat(p.path("priority").asInt()).isEqualTo(3);
    assertThat(p.path("definition").path("max-length").asInt()).isEqualTo(10);
    assertThat(p.path("definition").path("overflow").asText()).isEqualTo("reject-publish");
    assertThat(api.get("/api/policies").json().findValuesAsText("name")).contains(name);
    assertThat(api.get("/api/policies/" + ROOT).json().findValuesAsText("name")).contains(name);

    JsonNode defaults = api.put(path, Map.of("pattern", "x", "definition", Map.of("expires", 1000))).json();
    assertThat(defaults.isMissingNode()).isTrue();
    assertThat(api.get(path).json().path("apply-to").asText()).isEqualTo("all");
    assertThat(api.get(path).json().path("priority").asInt()).isZero();

    assertThat(api.delete(path).status()).isEqualTo(204);
    assertThat(api.get(path).status()).isEqualTo(404);
    assertThat(api.delete(path).status()).isEqualTo(404);
    assertThat(api.get("/api/policies/no-such-vhost").status()).isEqualTo(404);
    assertThat(api.put("/api/policies/no-such-vhost/p", body).status()).isEqualTo(404);
  }

  @Test
  void invalidPoliciesAreRefusedAsRabbitMqRefusesThem() {
    String path = "/api/policies/" + ROOT + "/it.invalid";
    ManagementHttp.Response unknown = api.put(path, Map.of("pattern", ".", "definition", Map.of("no-such-key", 1)));
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.json().path("reason").asText()).startsWith("Validation failed").contains("no-such-key")
        .contains("are not recognised policy settings");
    ManagementHttp.Response negative = api.put(path, Map.of("pattern", ".", "definition", Map.of("message-ttl", -2)));
    assertThat(negative.status()).isEqualTo(400);
    assertThat(negative.json().path("reason").asText()).isEqualTo("Validation failed\n\n-2 is not a valid message TTL\n");
    assertThat(api.put(path, Map.of("pattern", ".", "definition", Map.of())).json().path("reason").asText())
        .isEqualTo("Validation failed\n\nno policy provided\n");
    assertThat(api.put(path, Map.of("definition", Map.of("max-length", 1))).json().path("reason").asText())
        .isEqualTo("[{key_missing,pattern}]");
    ManagementHttp.Response applyTo = api.put(path, Map.of("pattern", ".", "definition", Map.of("max-length", 1),
        "apply-to", "bindings"));
    assertThat(applyTo.status()).isEqualTo(400);
    assertThat(applyTo.json().path("reason").asText())
        .isEqualTo("Validation failed\n\napply-to 'bindings' unrecognised; should be 'queues', 'exchanges' or 'all'\n");
    assertThat(api.get(path).status()).isEqualTo(404);
  }

  @Test
  void aQueueShowsItsPolicy() throws Exception {
    Channel ch = broker.channel();
    String queue = broker.queueName();
    String plain = broker.queueName();
    ch.queueDeclare(queue, true, false, false, null);
    ch.queueDeclare(plain, true, false, false, null);
    String name = policy(queue, 0, Map.of("max-length", 7));

    await().untilAsserted(() -> {
      JsonNode q = api.get("/api/queues/" + ROOT + "/" + queue).json();
      assertThat(q.path("policy").asText()).isEqualTo(name);
      assertThat(q.path("effective_policy_definition").path("max-length").asInt()).isEqualTo(7);
      JsonNode p = api.get("/api/queues/" + ROOT + "/" + plain).json();
      assertThat(p.has("policy")).isTrue();
      assertThat(p.path("policy").isNull()).isTrue();
      assertThat(p.path("effective_policy_definition").isObject()).isTrue();
      assertThat(p.path("effective_policy_definition").size()).isZero();
    });
  }

  @Test
  void definitionsCarryPolicies() {
    String name = "it.p." + UUID.randomUUID().toString().substring(0, 13);
    policies.add(name);
    Map<String, Object> policy = Map.of("vhost", "/", "name", name, "pattern", "^it\\.defs\\.", "apply-to", "queues",
        "definition", Map.of("message-ttl", 60000), "priority", 4);
    assertThat(api.post("/api/definitions", Map.of("policies", List.of(policy))).status()).isIn(200, 201, 204);

    JsonNode imported = api.get("/api/policies/" + ROOT + "/" + name).json();
    assertThat(imported.path("priority").asInt()).isEqualTo(4);
    assertThat(imported.path("definition").path("message-ttl").asInt()).isEqualTo(60000);

    JsonNode all = api.get("/api/definitions").json().path("policies");
    assertThat(all.findValuesAsText("name")).contains(name);
    JsonNode perVhost = api.get("/api/definitions/" + ROOT).json().path("policies");
    JsonNode mine = null;
    for (JsonNode p : perVhost) {
      if (p.path("name").asText().equals(name)) {
        mine = p;
      }
    }
    assertThat(mine).isNotNull();
    assertThat(mine.path("vhost").asText()).isEqualTo("/"); // unlike its queues and exchanges
    assertThat(mine.path("pattern").asText()).isEqualTo("^it\\.defs\\.");
  }
}
