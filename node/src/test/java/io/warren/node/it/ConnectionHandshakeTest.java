package io.warren.node.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.LongString;
import com.rabbitmq.client.SaslConfig;
import com.rabbitmq.client.SaslMechanism;
import com.rabbitmq.client.impl.LongStringHelper;
import io.warren.node.config.WarrenConfig;
import io.warren.node.it.support.Broker;
import io.warren.node.it.support.Closure;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Opening a connection: server properties, authentication, virtual hosts and tuning. */
class ConnectionHandshakeTest {
  @RegisterExtension static final Broker broker = Broker.standard();

  private static final List<String> CAPABILITIES = List.of(
      "publisher_confirms", "exchange_exchange_bindings", "basic.nack", "consumer_cancel_notify",
      "connection.blocked", "authentication_failure_close", "per_consumer_qos", "direct_reply_to");

  @Test
  void handshakeSucceedsAndTheConnectionCarriesTraffic() throws Exception {
    Connection connection = broker.connect();
    Channel channel = connection.createChannel();
    String queue = channel.queueDeclare().getQueue();

    assertThat(connection.isOpen()).isTrue();
    assertThat(queue).startsWith("amq.gen-");
  }

  @Test
  void serverPropertiesNameTheProductAndAdvertiseCapabilities() throws Exception {
    Map<String, Object> properties = broker.connect().getServerProperties();

    for (String key : List.of("product", "version", "platform")) {
      assertThat(properties.get(key)).as(key).isInstanceOf(LongString.class);
      assertThat(properties.get(key).toString()).as(key).isNotBlank();
    }
    assertThat(properties.get("capabilities")).isInstanceOf(Map.class);
    @SuppressWarnings("unchecked")
    Map<String, Object> capabilities = (Map<String, Object>) properties.get("capabilities");
    for (String capability : CAPABILITIES) {
      assertThat(capabilities.get(capability)).as(capability).isEqualTo(true);
    }
  }

  @Test
  void wrongPasswordIsRefusedWithAnAuthenticationFailure() {
    ConnectionFactory factory = broker.factory();
    factory.setPassword("not-" + broker.password());

    // authentication_failure_close: the server says 403 ACCESS_REFUSED instead of just dropping the socket
    assertThatThrownBy(() -> broker.connect(factory))
        .isInstanceOf(AuthenticationFailureException.class)
        .hasMessageStartingWith("ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN");
  }

  @Test
  void unknownUserIsRefusedLikeAWrongPassword() {
    ConnectionFactory factory = broker.factory();
    factory.setUsername("nobody-" + java.util.UUID.randomUUID());

    assertThatThrownBy(() -> broker.connect(factory))
        .isInstanceOf(AuthenticationFailureException.class)
        .hasMessageStartingWith("ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN");
  }

  @Test
  void unknownVirtualHostIsRefusedOnOpenWith530() {
    ConnectionFactory factory = broker.factory();
    factory.setVirtualHost("no-such-vhost");

    assertThat(Closure.of(() -> broker.connect(factory)))
        .isEqualTo(Closure.connection(530, "NOT_ALLOWED - vhost no-such-vhost not found"));
  }

  @Test
  void clientAskingForLowerLimitsGetsThem() throws Exception {
    ConnectionFactory factory = broker.factory();
    factory.setRequestedFrameMax(8192);
    factory.setRequestedChannelMax(10);
    factory.setRequestedHeartbeat(5);

    Connection connection = broker.connect(factory);

    assertThat(connection.getFrameMax()).isEqualTo(8192);
    assertThat(connection.getChannelMax()).isEqualTo(10);
    assertThat(connection.getHeartbeat()).isEqualTo(5);
  }

  @Test
  void clientWithoutPreferencesGetsTheServerProposal() throws Exception {
    ConnectionFactory factory = broker.factory();
    factory.setRequestedFrameMax(0);
    factory.setRequestedChannelMax(0);
    factory.setRequestedHeartbeat(0);

    Connection connection = broker.connect(factory);

    // Warren's defaults are RabbitMQ's: frame_max 131072, channel_max 2047, heartbeat 60
    assertThat(connection.getFrameMax()).isEqualTo(WarrenConfig.FRAME_MAX.defaultValue());
    assertThat(connection.getChannelMax()).isEqualTo(WarrenConfig.CHANNEL_MAX.defaultValue());
    assertThat(connection.getHeartbeat()).isEqualTo(WarrenConfig.HEARTBEAT.defaultValue());
  }

  @Test
  void clientAskingForHigherLimitsGetsTheServerMaximum() throws Exception {
    ConnectionFactory factory = broker.factory();
    factory.setRequestedFrameMax(WarrenConfig.FRAME_MAX.defaultValue() * 4);
    factory.setRequestedChannelMax(WarrenConfig.CHANNEL_MAX.defaultValue() + 100);

    Connection connection = broker.connect(factory);

    assertThat(connection.getFrameMax()).isEqualTo(WarrenConfig.FRAME_MAX.defaultValue());
    assertThat(connection.getChannelMax()).isEqualTo(WarrenConfig.CHANNEL_MAX.defaultValue());
  }

  @Test
  void amqplainMechanismAuthenticates() throws Exception {
    AtomicReference<List<String>> offered = new AtomicReference<>();
    ConnectionFactory factory = broker.factory();
    factory.setSaslConfig(mechanisms -> {
      offered.set(List.of(mechanisms));
      return new AmqPlain();
    });

    Connection connection = broker.connect(factory);

    assertThat(offered.get()).contains("PLAIN", "AMQPLAIN");
    assertThat(connection.createChannel().isOpen()).isTrue();
  }

  @Test
  void amqplainWithWrongPasswordIsRefused() {
    ConnectionFactory factory = broker.factory();
    factory.setPassword("not-" + broker.password());
    SaslConfig amqplain = mechanisms -> new AmqPlain();
    factory.setSaslConfig(amqplain);

    assertThatThrownBy(() -> broker.connect(factory))
        .isInstanceOf(AuthenticationFailureException.class)
        .hasMessageStartingWith("ACCESS_REFUSED - Login was refused using authentication mechanism AMQPLAIN");
  }

  /**
   * RabbitMQ's AMQPLAIN: the response is a field table's contents (no length prefix) holding
   * LOGIN and PASSWORD as long strings. The Java client does not ship it.
   */
  private static final class AmqPlain implements SaslMechanism {
    @Override
    public String getName() {
      return "AMQPLAIN";
    }

    @Override
    public LongString handleChallenge(LongString challenge, String username, String password) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream table = new DataOutputStream(bytes)) {
        writeLongStringField(table, "LOGIN", username);
        writeLongStringField(table, "PASSWORD", password);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      return LongStringHelper.asLongString(bytes.toByteArray());
    }

    private static void writeLongStringField(DataOutputStream table, String name, String value)
        throws IOException {
      byte[] key = name.getBytes(StandardCharsets.UTF_8);
      byte[] text = value.getBytes(StandardCharsets.UTF_8);
      table.writeByte(key.length);
      table.write(key);
      table.writeByte('S');
      table.writeInt(text.length);
      table.write(text);
    }
  }
}
