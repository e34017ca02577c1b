package io.warren.model;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.warren.node.amqp.FieldTables;
import io.warren.node.amqp.WirePropertiesCodec;
import io.warren.protocol.content.BasicProperties;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test kit for the features that depend on time: applies commands to a {@link Broker} (with the
 * wire properties codec, so dead letters and delivery counts can be read back) at a time the test
 * sets, as a submitter would stamp it, and keeps every effect.
 */
final class TimedDriver {
  static final ChannelRef CH = new ChannelRef(1, 1);
  static final long START = 1_700_000_000_000L;

  final Broker broker = new Broker(new WirePropertiesCodec());
  final List<Effect> effects = new ArrayList<>();
  final List<Command> log = new ArrayList<>();
  final List<Long> times = new ArrayList<>();
  final List<Result> results = new ArrayList<>();
  long now = START;

  TimedDriver() {
    ok(new Command.OpenConnection(CH.connection(), "/", "guest"));
  }

  Result apply(Command c) {
    Result r = broker.apply(new Meta(log.size() + 1, now), c);
    effects.addAll(r.effects());
    log.add(c);
    times.add(now);
    results.add(r);
    return r;
  }

  Reply reply(Command c) {
    return apply(c).reply();
  }

  Result ok(Command c) {
    Result r = apply(c);
    if (r.reply() instanceof Reply.Failure f) {
      throw new AssertionError("refused " + c + ": " + f);
    }
    return r;
  }

  Reply.Failure fail(Command c) {
    Reply r = reply(c);
    if (r instanceof Reply.Failure f) {
      return f;
    }
    throw new AssertionError("expected failure for " + c + " but got " + r);
  }

  /** Moves time on by {@code ms} and applies a tick. */
  Result tickAfter(long ms) {
    now += ms;
    return ok(new Command.Tick());
  }

  /** Applies the same commands at the same times to a fresh broker: what every replica would do. */
  List<Result> replay() {
    Broker fresh = new Broker(new WirePropertiesCodec());
    List<Result> out = new ArrayList<>();
    for (int i = 0; i < log.size(); i++) {
      out.add(fresh.apply(new Meta(i + 1, times.get(i)), log.get(i)));
    }
    return out;
  }

  void declare(String queue, Map<String, Object> arguments) {
    declare(queue, false, arguments);
  }

  void declare(String queue, boolean durable, Map<String, Object> arguments) {
    ok(new Command.DeclareQueue(q(queue), false, durable, false, false, Arguments.of(arguments), CH.connection(),
        false));
  }

  Reply publish(String queue, String body) {
    return reply(new Command.Publish("/", message("", queue, body, null, Map.of())));
  }

  Reply publish(String queue, String body, String expiration) {
    return reply(new Command.Publish("/", message("", queue, body, expiration, Map.of())));
  }

  /** basic.get with ack: the body, or null when empty. */
  String get(String queue) {
    Reply r = reply(new Command.Get(CH, q(queue), false));
    return r instanceof Reply.GetOk ok ? text(ok.message()) : null;
  }

  Reply.GetOk getOk(String queue) {
    return (Reply.GetOk) reply(new Command.Get(CH, q(queue), false));
  }

  int ready(String queue) {
    return broker.queue(q(queue)).orElseThrow().readyCount();
  }

  Command.Consume consume(String queue, String tag, int prefetch) {
    return new Command.Consume(CH, q(queue), tag, false, false, prefetch, 1000, Arguments.EMPTY);
  }

  List<Effect.Deliver> takeDeliveries() {
    return take(Effect.Deliver.class);
  }

  List<Effect.DeadLettered> takeDeadLetters() {
    return take(Effect.DeadLettered.class);
  }

  <T extends Effect> List<T> take(Class<T> type) {
    List<T> out = new ArrayList<>();
    effects.removeIf(e -> {
      if (type.isInstance(e)) {
        out.add(type.cast(e));
        return true;
      }
      return false;
    });
    return out;
  }

  static QueueName q(String name) {
    return new QueueName("/", name);
  }

  static String text(Message m) {
    return new String(m.body().bytes(), StandardCharsets.UTF_8);
  }

  /** A message with real property bytes, as the front end would build it. */
  static Message message(String exchange, String key, String body, String expiration, Map<String, Object> headers) {
    Arguments h = Arguments.of(headers);
    BasicProperties props = BasicProperties.builder()
        .contentType("text/plain")
        .expiration(expiration)
        .headers(h.isEmpty() ? null : FieldTables.toFieldTable(h))
        .build();
    ByteBuf buf = Unpooled.buffer();
    props.encode(buf);
    return new Message(exchange, key, ByteBufUtil.getBytes(buf), MessageBody.of(body.getBytes(StandardCharsets.UTF_8)),
        h, false, expiration);
  }

  /** The properties a message carries on the wire, decoded. */
  static BasicProperties properties(Message m) {
    return BasicProperties.decode(Unpooled.wrappedBuffer(m.properties()));
  }

  static Map<String, Object> args(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }
}
