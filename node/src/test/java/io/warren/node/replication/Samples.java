package io.warren.node.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.warren.model.Arguments;
import io.warren.model.ChannelRef;
import io.warren.model.ConnectionIds;
import io.warren.model.Command;
import io.warren.model.Command.AddVhost;
import io.warren.model.Command.Bind;
import io.warren.model.Command.Cancel;
import io.warren.model.Command.CloseChannel;
import io.warren.model.Command.CloseConnection;
import io.warren.model.Command.Consume;
import io.warren.model.Command.Credit;
import io.warren.model.Command.DeclareExchange;
import io.warren.model.Command.DeclareQueue;
import io.warren.model.Command.DeleteExchange;
import io.warren.model.Command.DeleteQueue;
import io.warren.model.Command.Enqueue;
import io.warren.model.Command.Get;
import io.warren.model.Command.OpenChannel;
import io.warren.model.Command.OpenConnection;
import io.warren.model.Command.Outcome;
import io.warren.model.Command.Publish;
import io.warren.model.Command.PurgeQueue;
import io.warren.model.Command.Restarted;
import io.warren.model.Command.SetChannelPrefetch;
import io.warren.model.Command.SetFlow;
import io.warren.model.Command.Settle;
import io.warren.model.Command.Sync;
import io.warren.model.Command.Unbind;
import io.warren.model.ExchangeName;
import io.warren.model.Message;
import io.warren.model.MessageBody;
import io.warren.model.QueueName;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Example values for the codec tests, and field-wise comparison for the ones records cannot compare. */
final class Samples {
  private Samples() {}

  static final ChannelRef CHANNEL = new ChannelRef(42, 7);
  static final QueueName QUEUE = new QueueName("/", "orders");
  static final ExchangeName EXCHANGE = new ExchangeName("prod", "amq.topic");

  /** One value of every type Arguments can hold, nested values included. */
  static Arguments everyValueType() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("void", null);
    m.put("bool", true);
    m.put("byte", (byte) -7);
    m.put("short", (short) -30000);
    m.put("int", Integer.MIN_VALUE);
    m.put("long", Long.MAX_VALUE);
    m.put("float", 1.5f);
    m.put("double", -2.25e300);
    m.put("decimal", new BigDecimal("-123.4500"));
    m.put("string", "grüße, 世界 \uD834\uDD1E");
    m.put("empty string", "");
    m.put("bytes", new Arguments.Bytes(new byte[] {0, -1, 127, (byte) 0x80}));
    m.put("timestamp", new Arguments.Timestamp(1_700_000_000L));
    m.put("list", List.of(1, "two", List.of(3L), Arguments.of("in", "list")));
    m.put("empty list", List.of());
    m.put("table", Arguments.of("x-match", "all"));
    m.put("empty table", Arguments.EMPTY);
    return Arguments.of(m);
  }

  static Message message(String body, boolean persistent) {
    return new Message(
        "amq.direct",
        "key.\u00e9",
        new byte[] {(byte) 0x90, 0, 0, 0, 2},
        MessageBody.of(body.getBytes(StandardCharsets.UTF_8)),
        Arguments.of("x-retry", 3),
        persistent,
        persistent ? "60000" : null);
  }

  static Message emptyMessage() {
    return new Message("", "", new byte[0], MessageBody.of(new byte[0]), Arguments.EMPTY, false);
  }

  /** At least one of every command type, with edge cases (empty strings and lists, extremes). */
  static List<Command> commands() {
    Arguments args = everyValueType();
    return List.of(
        new OpenConnection(1, "/", "guest"),
        new OpenConnection(Long.MAX_VALUE, "", ""),
        new CloseConnection(-1),
        new OpenChannel(CHANNEL),
        new CloseChannel(new ChannelRef(0, 65535)),
        new SetChannelPrefetch(CHANNEL, 250),
        new SetFlow(CHANNEL, false),
        new SetFlow(CHANNEL, true),
        new Sync(CHANNEL),
        new AddVhost("tenant-ä"),
        new DeclareExchange(EXCHANGE, "topic", false, true, false, true, args),
        new DeclareExchange(new ExchangeName("/", ""), "direct", true, false, true, false, Arguments.EMPTY),
        new DeleteExchange(EXCHANGE, true),
        new DeclareQueue(QUEUE, false, true, true, false, Arguments.of("x-max-length", 10), 42, false),
        new DeclareQueue(new QueueName("/", "amq.gen-abc"), true, false, false, true, Arguments.EMPTY, 3, true),
        new DeleteQueue(QUEUE, true, false, 42),
        new PurgeQueue(QUEUE, 9),
        new Bind(EXCHANGE, QUEUE, "a.*.c", args, 42),
        new Bind(EXCHANGE, new ExchangeName("prod", "downstream"), "", Arguments.EMPTY, 0),
        new Unbind(EXCHANGE, QUEUE, "#", Arguments.of("x-match", "any"), 42),
        new Unbind(EXCHANGE, new ExchangeName("prod", "downstream"), "k", Arguments.EMPTY, 1),
        new Publish("/", message("hello", true)),
        new Publish("", emptyMessage()),
        new Enqueue(List.of(QUEUE, new QueueName("other", "q2")), message("routed", false)),
        new Enqueue(List.of(), emptyMessage()),
        new Consume(CHANNEL, QUEUE, "amq.ctag-1", false, true, 100, 2000, Arguments.of("x-priority", 5)),
        new Cancel(CHANNEL, "amq.ctag-1"),
        new Credit(CHANNEL, "", Integer.MAX_VALUE),
        new Get(CHANNEL, QUEUE, true),
        new Settle(CHANNEL, QUEUE, Outcome.ACK, new long[] {1, 2, Long.MAX_VALUE}),
        new Settle(CHANNEL, QUEUE, Outcome.REQUEUE, new long[0]),
        new Settle(CHANNEL, QUEUE, Outcome.DISCARD, new long[] {-5}),
        new Settle(CHANNEL, QUEUE, Outcome.RETURN, new long[] {7, 8}),
        new Restarted(1_000, true),
        new Restarted(ConnectionIds.first(3, 7), false),
        new Command.NodeDown(2),
        new Command.Relay(List.of(QUEUE), message("relayed", true)),
        new Command.Withdraw(QUEUE, ConnectionIds.first(1, 2) + 5),
        new Command.Tick(),
        new Command.DeadLetter("/", message("dead", true)),
        new Command.DeadLetter("", emptyMessage()),
        new Command.DeleteVhost("tenant-ä"),
        new Command.PutUser("alice", "l6GZcHcmP4Bzk3ZXwbYJjDUBl0Ak0i3hFrNK4MtwCqFYhjY0", List.of("administrator", "x")),
        new Command.PutUser("", null, List.of()),
        new Command.DeleteUser("alice"),
        new Command.ChangePassword("alice", ""),
        new Command.SetUserTags("alice", List.of()),
        new Command.SetPermissions("alice", "/", "^amq\\.gen", "", ".*"),
        new Command.ClearPermissions("alice", "/"),
        new Command.SetTopicPermissions("alice", "/", "amq.topic", "^a", "^b"),
        new Command.ClearTopicPermissions("alice", "/", "amq.topic"),
        new Command.ClearTopicPermissions("alice", "/", null),
        new Command.AddDefaultUser("guest", "l6GZcHcmP4Bzk3ZXwbYJjDUBl0Ak0i3hFrNK4MtwCqFYhjY0"),
        new Command.SetPolicy(new io.warren.model.Policy("/", "limits", "^orders\\.", io.warren.model.Policy.ApplyTo.QUEUES,
            -3, Arguments.of(Map.of("max-length", 10, "dead-letter-exchange", "dlx", "ha-mode", "all")))),
        new Command.SetPolicy(new io.warren.model.Policy("tenant-ä", "", "", io.warren.model.Policy.ApplyTo.ALL,
            Integer.MAX_VALUE, Arguments.of("message-ttl", Long.MAX_VALUE))),
        new Command.ClearPolicy("tenant-ä", "limits"));
  }

  /** Asserts two commands are equal, comparing arrays and message bodies by content. */
  static void assertSameCommand(Command actual, Command expected) {
    assertThat(actual).isInstanceOf(expected.getClass());
    if (expected instanceof Settle e) {
      Settle a = (Settle) actual;
      assertThat(a.channel()).isEqualTo(e.channel());
      assertThat(a.queue()).isEqualTo(e.queue());
      assertThat(a.outcome()).isEqualTo(e.outcome());
      assertThat(a.messageIds()).containsExactly(e.messageIds());
    } else if (expected instanceof Publish e) {
      Publish a = (Publish) actual;
      assertThat(a.vhost()).isEqualTo(e.vhost());
      assertSameMessage(a.message(), e.message());
    } else if (expected instanceof Command.DeadLetter e) {
      Command.DeadLetter a = (Command.DeadLetter) actual;
      assertThat(a.vhost()).isEqualTo(e.vhost());
      assertSameMessage(a.message(), e.message());
    } else if (expected instanceof Enqueue e) {
      Enqueue a = (Enqueue) actual;
      assertThat(a.queues()).isEqualTo(e.queues());
      assertSameMessage(a.message(), e.message());
    } else if (expected instanceof Command.Relay e) {
      Command.Relay a = (Command.Relay) actual;
      assertThat(a.queues()).isEqualTo(e.queues());
      assertSameMessage(a.message(), e.message());
    } else {
      assertThat(actual).isEqualTo(expected);
    }
  }

  static void assertSameMessage(Message actual, Message expected) {
    assertThat(actual.exchange()).isEqualTo(expected.exchange());
    assertThat(actual.routingKey()).isEqualTo(expected.routingKey());
    assertThat(actual.properties()).isEqualTo(expected.properties());
    assertThat(actual.body().bytes()).isEqualTo(expected.body().bytes());
    assertThat(actual.headers()).isEqualTo(expected.headers());
    assertThat(actual.persistent()).isEqualTo(expected.persistent());
    assertThat(actual.expiration()).isEqualTo(expected.expiration());
  }
}
