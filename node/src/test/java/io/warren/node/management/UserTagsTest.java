package io.warren.node.management;

import static io.warren.node.it.support.Waits.await;
import static io.warren.node.management.ManagementHttp.enc;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.warren.node.it.support.Broker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the {@code management}, {@code monitoring} and {@code policymaker} tags let a user see and do
 * through the API, as RabbitMQ 3.10's management plugin decides: which rows of a list are shown,
 * which single objects answer 401, and who may set a policy. Each test has two new vhosts, "own"
 * (where the tagged users have every permission) and "other" (where they have none), a queue in
 * each, the administrator's connection on "/" and the management user's on "own". Passes against
 * RabbitMQ 3.10.8 too ({@link ManagementHttp}); RabbitMQ's lists of clients lag a few seconds,
 * so those are awaited.
 */
class UserTagsTest {
  @RegisterExtension static final Broker broker = Broker.standard();

  private static final String DENIED_VHOST = "User not authorised to access virtual host";
  private static final String DENIED_OBJECT = "User not authorised to access object";
  private static final Map<String, Object> EVERYTHING = Map.of("configure", ".*", "write", ".*", "read", ".*");
  private static final Map<String, Object> POLICY = Map.of("pattern", "^nothing-", "definition",
      Map.of("max-length", 5));

  private ManagementHttp api;
  private final List<String> users = new ArrayList<>();
  private final List<String> vhosts = new ArrayList<>();
  private final List<Connection> connections = new ArrayList<>();
  private String own;
  private String other;
  private ManagementHttp management;
  private ManagementHttp monitoring;
  private ManagementHttp policymaker;
  private String managementName;

  @BeforeEach
  void setUp() throws Exception {
    api = ManagementHttp.of(broker);
    own = vhost();
    other = vhost();
    assertThat(api.put(queue(own, "q-own"), Map.of()).status()).isEqualTo(201);
    assertThat(api.put(queue(other, "q-other"), Map.of()).status()).isEqualTo(201);
    managementName = user("management");
    management = api.as(managementName, "pw");
    monitoring = api.as(user("monitoring"), "pw");
    policymaker = api.as(user("policymaker"), "pw");
    connect(broker.username(), broker.password(), "/");
    connect(managementName, "pw", own).createChannel();
  }

  @AfterEach
  void cleanUp() {
    connections.forEach(c -> c.abort(1_000));
    users.forEach(u -> api.delete("/api/users/" + enc(u)));
    vhosts.forEach(v -> api.delete("/api/vhosts/" + enc(v)));
  }

  private String vhost() {
    String name = "tags-" + UUID.randomUUID().toString().substring(0, 8);
    vhosts.add(name);
    assertThat(api.put("/api/vhosts/" + enc(name), null).status()).isEqualTo(201);
    return name;
  }

  /** A new user with these tags and every permission on the "own" vhost. */
  private String user(String tags) {
    return user(tags, EVERYTHING);
  }

  /** A new user with these tags and this permission on the "own" vhost. */
  private String user(String tags, Map<String, Object> permission) {
    String name = "tags-" + UUID.randomUUID().toString().substring(0, 8);
    users.add(name);
    assertThat(api.put("/api/users/" + enc(name), Map.of("password", "pw", "tags", tags)).status()).isEqualTo(201);
    assertThat(api.put("/api/permissions/" + enc(own) + "/" + enc(name), permission).status()).isEqualTo(201);
    return name;
  }

  private Connection connect(String user, String password, String vhost) throws Exception {
    ConnectionFactory f = broker.factory();
    f.setUsername(user);
    f.setPassword(password);
    f.setVirtualHost(vhost);
    Connection c = f.newConnection();
    connections.add(c);
    return c;
  }

  private static String queue(String vhost, String name) {
    return "/api/queues/" + enc(vhost) + "/" + enc(name);
  }

  private static String exchange(String vhost, String name) {
    return "/api/exchanges/" + enc(vhost) + "/" + enc(name);
  }

  private static Map<String, Object> publication(String routingKey) {
    return Map.of("properties", Map.of(), "routing_key", routingKey, "payload", "m", "payload_encoding", "string");
  }

  private static List<String> field(JsonNode rows, String field) {
    List<String> out = new ArrayList<>();
    rows.forEach(r -> out.add(r.path(field).asText()));
    return out;
  }

  private static void assertRefused(ManagementHttp.Response r, String reason) {
    assertThat(r.status()).as(r.body()).isEqualTo(401);
    assertThat(r.json().path("error").asText()).isEqualTo("not_authorised");
    assertThat(r.json().path("reason").asText()).isEqualTo(reason);
  }

  /** The administrator's connection's name, once the API lists it. */
  private String administratorsConnection() {
    List<String> names = new ArrayList<>();
    await().untilAsserted(() -> {
      names.clear();
      api.get("/api/connections").json().forEach(c -> {
        if (c.path("user").asText().equals(broker.username())) {
          names.add(c.path("name").asText());
        }
      });
      assertThat(names).hasSize(1);
    });
    return names.get(0);
  }

  @Test
  void aManagementUserSeesOnlyItsVhostsObjectsAndItsOwnClients() {
    String adminConnection = administratorsConnection();
    for (String list : List.of("/api/queues", "/api/exchanges", "/api/bindings")) {
      JsonNode rows = management.get(list).json();
      assertThat(field(rows, "vhost")).as(list).isNotEmpty().containsOnly(own);
    }
    assertThat(field(management.get("/api/queues").json(), "name")).containsExactly("q-own");
    assertThat(field(management.get("/api/vhosts").json(), "name")).containsExactly(own);
    assertRefused(management.get(queue(other, "q-other")), DENIED_VHOST);
    assertRefused(management.get("/api/queues/" + enc(other)), DENIED_VHOST);
    assertRefused(management.get("/api/vhosts/" + enc(own)), "Not administrator user");
    assertRefused(management.get("/api/nodes"), "Not monitor user");

    await().untilAsserted(() -> {
      assertThat(field(management.get("/api/connections").json(), "user")).containsExactly(managementName);
      assertThat(field(management.get("/api/channels").json(), "user")).containsExactly(managementName);
    });
    assertRefused(management.get("/api/connections/" + enc(adminConnection)), DENIED_OBJECT);
    assertRefused(management.delete("/api/connections/" + enc(adminConnection)), DENIED_OBJECT);

    await().untilAsserted(() -> {
      JsonNode overview = management.get("/api/overview").json();
      JsonNode totals = overview.path("object_totals");
      assertThat(totals.path("queues").asInt()).isEqualTo(1);
      assertThat(totals.path("connections").asInt()).isEqualTo(1);
      assertThat(totals.path("channels").asInt()).isEqualTo(1);
      assertThat(totals.has("consumers")).isFalse();
      assertThat(overview.has("listeners")).isFalse();
    });
  }

  @Test
  void aMonitoringUserSeesEveryVhostAndClientButOnlyItsVhostsObjectsAndWritesNowhereElse() {
    String adminConnection = administratorsConnection();
    assertThat(field(monitoring.get("/api/vhosts").json(), "name")).contains("/", own, other);
    await().untilAsserted(() ->
        assertThat(field(monitoring.get("/api/connections").json(), "user")).contains(broker.username(), managementName));
    assertThat(monitoring.get("/api/connections/" + enc(adminConnection)).status()).isEqualTo(200);
    assertRefused(monitoring.delete("/api/connections/" + enc(adminConnection)), DENIED_OBJECT);
    assertThat(monitoring.get("/api/nodes").status()).isEqualTo(200);
    assertThat(monitoring.get("/api/overview").json().path("object_totals").has("consumers")).isTrue();

    // As RabbitMQ 3.10: monitoring does not widen what is shown of a vhost's objects.
    assertThat(field(monitoring.get("/api/queues").json(), "vhost")).containsOnly(own);
    assertRefused(monitoring.get(queue(other, "q-other")), DENIED_VHOST);
    assertRefused(monitoring.put(queue(other, "declared"), Map.of()), DENIED_VHOST);
    assertThat(monitoring.put(queue(own, "declared"), Map.of()).status()).isEqualTo(201);
  }

  @Test
  void aPolicymakerSetsPoliciesInItsVhostsAndOthersOnlyListThem() {
    String path = "/api/policies/" + enc(own) + "/p";
    assertThat(policymaker.put(path, POLICY).status()).isEqualTo(201);
    assertThat(policymaker.get(path).json().path("pattern").asText()).isEqualTo("^nothing-");
    assertRefused(policymaker.put("/api/policies/" + enc(other) + "/p", POLICY), DENIED_OBJECT);
    assertThat(api.put("/api/policies/" + enc(other) + "/elsewhere", POLICY).status()).isEqualTo(201);

    for (ManagementHttp user : List.of(management, monitoring)) {
      assertRefused(user.put("/api/policies/" + enc(own) + "/mine", POLICY), DENIED_OBJECT);
      assertRefused(user.get(path), DENIED_OBJECT);
      assertRefused(user.delete(path), DENIED_OBJECT);
      JsonNode listed = user.get("/api/policies").json();
      assertThat(field(listed, "name")).containsExactly("p");
      assertThat(field(listed, "vhost")).containsExactly(own);
      assertRefused(user.get("/api/policies/" + enc(other)), DENIED_VHOST);
    }
    assertThat(field(policymaker.get("/api/policies").json(), "name")).containsExactly("p");
    assertThat(policymaker.delete(path).status()).isEqualTo(204);
  }

  @Test
  void objectOperationsAreCheckedAgainstThePermissionExpressionsAsOverAmqp() {
    String name = user("management", Map.of("configure", "^mine$", "write", "^mine$", "read", "^mine$"));
    ManagementHttp mine = api.as(name, "pw");
    String refusedFor = "' in vhost '" + own + "' refused for user '" + name + "'";

    // configure
    assertThat(mine.put(queue(own, "mine"), Map.of()).status()).isEqualTo(201);
    assertRefused(mine.put(queue(own, "other"), Map.of()), "Access refused.");
    assertThat(mine.put(exchange(own, "mine"), Map.of("type", "fanout")).status()).isEqualTo(201);
    assertRefused(mine.put(exchange(own, "other"), Map.of("type", "fanout")), "Access refused.");
    assertRefused(mine.delete(queue(own, "q-own")), "Access refused.");
    assertRefused(mine.delete(exchange(own, "amq.direct")), "Access refused.");

    // bindings: write on the destination, read on the source
    assertThat(mine.post("/api/bindings/" + enc(own) + "/e/mine/q/mine", Map.of("routing_key", "k")).status())
        .isEqualTo(201);
    String fromDirect = "/api/bindings/" + enc(own) + "/e/amq.direct/q/mine";
    assertRefused(mine.post(fromDirect, Map.of("routing_key", "k")), "Access refused.");
    assertThat(api.post(fromDirect, Map.of("routing_key", "k")).status()).isEqualTo(201);
    assertRefused(mine.delete(fromDirect + "/k"), "Access refused.");

    // write: a refused publish is a bad request, as any refused publish
    ManagementHttp.Response refused = mine.post(exchange(own, "amq.direct") + "/publish", publication("mine"));
    assertThat(refused.status()).as(refused.body()).isEqualTo(400);
    assertThat(refused.json().path("reason").asText())
        .isEqualTo("403 ACCESS_REFUSED - access to exchange 'amq.direct" + refusedFor);
    assertThat(mine.post(exchange(own, "mine") + "/publish", publication("")).json().path("routed").asBoolean())
        .isTrue();

    // read: get answers with the channel's reason, purge as the others
    Map<String, Object> get = Map.of("count", 1, "ackmode", "ack_requeue_false", "encoding", "auto");
    assertRefused(mine.post(queue(own, "q-own") + "/get", get),
        "ACCESS_REFUSED - access to queue 'q-own" + refusedFor);
    assertRefused(mine.delete(queue(own, "q-own") + "/contents"), "Access refused.");
    assertThat(mine.post(queue(own, "mine") + "/get", get).json().get(0).path("payload").asText()).isEqualTo("m");
    assertThat(mine.delete(queue(own, "mine") + "/contents").status()).isEqualTo(204);
    assertThat(mine.delete(queue(own, "mine")).status()).isEqualTo(204);
  }

  @Test
  void anAdministratorWithoutPermissionOnAVhostIsRefusedItsObjects() {
    String unpermitted = vhost();
    assertThat(api.delete("/api/permissions/" + enc(unpermitted) + "/" + enc(broker.username())).status())
        .isEqualTo(204);
    assertRefused(api.put(queue(unpermitted, "q"), Map.of()), "Access refused.");
    assertRefused(api.post(exchange(unpermitted, "amq.direct") + "/publish", publication("q")), "Access refused.");
    assertRefused(api.post(queue(unpermitted, "q") + "/get",
        Map.of("count", 1, "ackmode", "ack_requeue_false", "encoding", "auto")), "Access refused.");
  }
}
