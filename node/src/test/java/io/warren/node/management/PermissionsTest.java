package io.warren.node.management;

import static io.warren.node.management.ManagementHttp.enc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import io.warren.node.it.support.Broker;
import io.warren.node.it.support.Closure;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Users and permissions as an AMQP client meets them: logins, vhost access, and configure, write,
 * read and topic permissions on every operation, with RabbitMQ's reply codes and texts. Users are
 * made through the management API, so the test runs against RabbitMQ too ({@link ManagementHttp}),
 * which is where the texts were checked.
 */
class PermissionsTest {
  @RegisterExtension static final Broker broker = Broker.standard();

  private static final String ROOT = "%2F";
  private static final byte[] BODY = "m".getBytes(StandardCharsets.UTF_8);

  private ManagementHttp api;
  private final List<String> users = new ArrayList<>();
  private final List<Connection> connections = new ArrayList<>();

  @BeforeEach
  void client() {
    api = ManagementHttp.of(broker);
  }

  @AfterEach
  void cleanUp() {
    connections.forEach(c -> c.abort(1_000));
    users.forEach(u -> api.delete("/api/users/" + enc(u)));
  }

  /** A new user with this password and, unless null, these permissions on "/". */
  private String user(String password, String configure, String write, String read) {
    String name = "u-" + UUID.randomUUID().toString().substring(0, 8);
    users.add(name);
    assertThat(api.put("/api/users/" + enc(name), Map.of("password", password, "tags", "")).status()).isEqualTo(201);
    if (configure != null) {
      assertThat(api.put("/api/permissions/" + ROOT + "/" + enc(name),
          Map.of("configure", configure, "write", write, "read", read)).status()).isEqualTo(201);
    }
    return name;
  }

  private Connection connect(String user, String password) throws Exception {
    return connect(user, password, "/");
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

  private Channel channelOf(String user) throws Exception {
    return connect(user, "pw").createChannel();
  }

  private static Closure refused(String what, String user) {
    return Closure.channel(403, "ACCESS_REFUSED - access to " + what + " in vhost '/' refused for user '" + user + "'");
  }

  // ------------------------------------------------------------------ login and vhost

  @Test
  void wrongPasswordAndUnknownUserAreRefusedAtLogin() {
    String user = user("pw", ".*", ".*", ".*");
    for (String[] login : new String[][] {{user, "wrong"}, {"nobody-" + UUID.randomUUID(), "pw"}}) {
      assertThatThrownBy(() -> connect(login[0], login[1]))
          .isInstanceOf(AuthenticationFailureException.class)
          .hasMessage("ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN. For details see the "
              + "broker logfile.");
    }
  }

  @Test
  void aUserWithoutPermissionOnTheVhostCannotOpenIt() throws Exception {
    String user = user("pw", null, null, null);
    assertThat(Closure.of(() -> connect(user, "pw")))
        .isEqualTo(Closure.connection(530, "NOT_ALLOWED - access to vhost '/' refused for user '" + user + "'"));
    assertThat(Closure.of(() -> connect(user, "pw", "no-such-vhost")))
        .isEqualTo(Closure.connection(530, "NOT_ALLOWED - vhost no-such-vhost not found"));
  }

  @Test
  void permissionsTakeEffectOnTheNextLogin() throws Exception {
    String user = user("pw", null, null, null);
    assertThat(api.put("/api/permissions/" + ROOT + "/" + enc(user),
        Map.of("configure", "", "write", "", "read", "")).status()).isEqualTo(201);
    connect(user, "pw").close(); // any permission entry opens the vhost, even one that allows nothing
    assertThat(api.delete("/api/permissions/" + ROOT + "/" + enc(user)).status()).isEqualTo(204);
    assertThat(Closure.of(() -> connect(user, "pw")).code()).isEqualTo(530);
  }

  // ------------------------------------------------------------------ configure

  @Test
  void configureGuardsDeclaringAndDeletingQueuesAndExchanges() throws Exception {
    String user = user("pw", "^mine-", ".*", ".*");
    String q = "other-" + UUID.randomUUID();
    assertThat(Closure.of(() -> channelOf(user).queueDeclare(q, false, false, true, null)))
        .isEqualTo(refused("queue '" + q + "'", user));
    assertThat(Closure.of(() -> channelOf(user).exchangeDeclare("other-x", BuiltinExchangeType.DIRECT)))
        .isEqualTo(refused("exchange 'other-x'", user));
    assertThat(Closure.of(() -> channelOf(user).queueDelete("other-q")))
        .isEqualTo(refused("queue 'other-q'", user));
    assertThat(Closure.of(() -> channelOf(user).exchangeDelete("other-x")))
        .isEqualTo(refused("exchange 'other-x'", user));
    // A server-named queue is checked under its generated name.
    assertThat(Closure.of(() -> channelOf(user).queueDeclare()).text()).startsWith(
        "ACCESS_REFUSED - access to queue 'amq.gen-");

    Channel ch = channelOf(user);
    String mine = "mine-" + UUID.randomUUID();
    ch.queueDeclare(mine, false, false, true, null);
    ch.exchangeDeclare(mine, BuiltinExchangeType.FANOUT, false, true, null);
    ch.queueDeclarePassive(mine);
    ch.exchangeDelete(mine);
    ch.queueDelete(mine);
  }

  @Test
  void passiveDeclarationsNeedNoPermission() throws Exception {
    String user = user("pw", "", "", "");
    Channel ch = channelOf(user);
    ch.exchangeDeclarePassive("amq.direct");
    String q = broker.queueName();
    broker.channel().queueDeclare(q, false, false, false, null);
    ch.queueDeclarePassive(q);
  }

  // ------------------------------------------------------------------ write

  @Test
  void writeGuardsPublishingIncludingTheDefaultExchange() throws Exception {
    String user = user("pw", ".*", "^amq\\.fanout$", ".*");
    Channel ch = channelOf(user);
    ch.basicPublish("amq.fanout", "", null, BODY);
    ch.queueDeclare("", false, true, true, null); // a round trip: the publish was taken

    Channel direct = channelOf(user);
    direct.basicPublish("amq.direct", "k", null, BODY);
    assertThat(Closure.awaitClose(direct)).isEqualTo(refused("exchange 'amq.direct'", user));

    Channel dflt = channelOf(user);
    dflt.basicPublish("", "k", null, BODY);
    assertThat(Closure.awaitClose(dflt)).isEqualTo(refused("exchange 'amq.default'", user));
  }

  @Test
  void bindingNeedsWriteOnTheDestinationAndReadOnTheSource() throws Exception {
    String q = broker.queueName();
    broker.channel().queueDeclare(q, false, false, false, null);

    String noWrite = user("pw", ".*", "^$", ".*");
    assertThat(Closure.of(() -> channelOf(noWrite).queueBind(q, "amq.direct", "k")))
        .isEqualTo(refused("queue '" + q + "'", noWrite));
    String noRead = user("pw", ".*", ".*", "^$");
    assertThat(Closure.of(() -> channelOf(noRead).queueBind(q, "amq.direct", "k")))
        .isEqualTo(refused("exchange 'amq.direct'", noRead));
    assertThat(Closure.of(() -> channelOf(noRead).exchangeBind("amq.fanout", "amq.direct", "k")))
        .isEqualTo(refused("exchange 'amq.direct'", noRead));
    assertThat(Closure.of(() -> channelOf(noWrite).queueUnbind(q, "amq.direct", "k")))
        .isEqualTo(refused("queue '" + q + "'", noWrite));

    String both = user("pw", "^$", "^" + q + "$", "^amq\\.direct$");
    Channel ch = channelOf(both);
    ch.queueBind(q, "amq.direct", "k");
    ch.queueUnbind(q, "amq.direct", "k");
  }

  // ------------------------------------------------------------------ read

  @Test
  void readGuardsConsumingGettingAndPurging() throws Exception {
    String q = broker.queueName();
    broker.channel().queueDeclare(q, false, false, false, null);
    String user = user("pw", ".*", ".*", "^$");
    assertThat(Closure.of(() -> channelOf(user).basicGet(q, true))).isEqualTo(refused("queue '" + q + "'", user));
    assertThat(Closure.of(() -> {
      Channel ch = channelOf(user);
      ch.basicConsume(q, true, new DefaultConsumer(ch));
    })).isEqualTo(refused("queue '" + q + "'", user));
    assertThat(Closure.of(() -> channelOf(user).queuePurge(q))).isEqualTo(refused("queue '" + q + "'", user));

    String reader = user("pw", "^$", "^$", "^" + q + "$");
    Channel ch = channelOf(reader);
    assertThat(ch.basicGet(q, true)).isNull();
    ch.queuePurge(q);
    ch.basicCancel(ch.basicConsume(q, true, new DefaultConsumer(ch)));
  }

  // ------------------------------------------------------------------ topic permissions

  @Test
  void topicPermissionsGuardRoutingKeysOnTopicExchanges() throws Exception {
    String user = user("pw", ".*", ".*", ".*");
    assertThat(api.put("/api/topic-permissions/" + ROOT + "/" + enc(user),
        Map.of("exchange", "amq.topic", "write", "^a\\.", "read", "^r\\.")).status()).isIn(201, 204);

    Channel ch = channelOf(user);
    ch.basicPublish("amq.topic", "a.b", null, BODY);
    ch.queueDeclare("", false, true, true, null);
    ch.basicPublish("amq.topic", "b.b", null, BODY);
    assertThat(Closure.awaitClose(ch)).isEqualTo(Closure.channel(403, "ACCESS_REFUSED - access to topic 'b.b' in "
        + "exchange 'amq.topic' in vhost '/' refused for user '" + user + "'"));

    Channel binder = channelOf(user);
    String q = binder.queueDeclare("", false, true, true, null).getQueue();
    binder.queueBind(q, "amq.topic", "r.#");
    assertThat(Closure.of(() -> binder.queueBind(q, "amq.topic", "x.#"))).isEqualTo(Closure.channel(403,
        "ACCESS_REFUSED - access to topic 'x.#' in exchange 'amq.topic' in vhost '/' refused for user '" + user + "'"));
  }

  // ------------------------------------------------------------------ deletions close connections

  @Test
  void deletingAUserClosesItsConnections() throws Exception {
    String user = user("pw", ".*", ".*", ".*");
    Connection c = connect(user, "pw");
    assertThat(api.delete("/api/users/" + enc(user)).status()).isEqualTo(204);
    users.remove(user);
    assertThat(Closure.awaitClose(c)).isEqualTo(Closure.connection(320, "CONNECTION_FORCED - user '" + user
        + "' is deleted"));
  }

  @Test
  void deletingAVhostRemovesItsObjectsAndClosesItsConnections() throws Exception {
    String vhost = "v-" + UUID.randomUUID().toString().substring(0, 8);
    assertThat(api.put("/api/vhosts/" + enc(vhost), null).status()).isEqualTo(201);
    Connection c = connect(broker.username(), broker.password(), vhost);
    Channel ch = c.createChannel();
    ch.queueDeclare("durable-q", true, false, false, null);
    ch.exchangeDeclare("durable-x", BuiltinExchangeType.TOPIC, true);
    ch.queueBind("durable-q", "durable-x", "#");
    ch.confirmSelect();
    ch.basicPublish("durable-x", "k", null, BODY);
    ch.waitForConfirmsOrDie(10_000);

    assertThat(api.delete("/api/vhosts/" + enc(vhost)).status()).isEqualTo(204);
    Closure closed = Closure.awaitClose(c);
    if (broker.embedded()) {
      assertThat(closed).isEqualTo(Closure.connection(320, "CONNECTION_FORCED - vhost '" + vhost + "' is deleted"));
    } else {
      // RabbitMQ says "is deleted", or "is down" when the vhost's processes stopped first.
      assertThat(closed.code()).isEqualTo(320);
      assertThat(closed.text()).startsWith("CONNECTION_FORCED - vhost '" + vhost + "' is ");
    }
    assertThat(api.get("/api/vhosts/" + enc(vhost)).status()).isEqualTo(404);
    assertThat(api.get("/api/permissions/" + enc(vhost) + "/" + enc(broker.username())).status()).isEqualTo(404);

    // A vhost of the same name starts empty: a queue of the same name has none of the old messages.
    assertThat(api.put("/api/vhosts/" + enc(vhost), null).status()).isEqualTo(201);
    try {
      Channel again = connect(broker.username(), broker.password(), vhost).createChannel();
      assertThat(Closure.of(() -> again.queueDeclarePassive("durable-q")).code()).isEqualTo(404);
      Channel fresh = connect(broker.username(), broker.password(), vhost).createChannel();
      assertThat(fresh.queueDeclare("durable-q", true, false, false, null).getMessageCount()).isZero();
      assertThat(fresh.basicGet("durable-q", true)).isNull();
    } finally {
      api.delete("/api/vhosts/" + enc(vhost));
    }
  }
}
