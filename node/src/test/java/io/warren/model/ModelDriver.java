package io.warren.model;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Test kit: applies commands to a {@link Broker} with increasing log indexes and keeps the effects. */
final class ModelDriver {
  final Broker broker = new Broker();
  final List<Effect> effects = new ArrayList<>();
  /** Every command applied and its result, to check that a replay gives the same. */
  final List<Command> log = new ArrayList<>();
  final List<Result> results = new ArrayList<>();
  private long index;

  Result apply(Command c) {
    Result r = broker.apply(new Meta(++index, 1_000L * index), c);
    effects.addAll(r.effects());
    log.add(c);
    results.add(r);
    return r;
  }

  /** Applies the same log to a fresh broker and returns its results. */
  static List<Result> replay(List<Command> commands) {
    Broker fresh = new Broker();
    List<Result> out = new ArrayList<>();
    long i = 0;
    for (Command c : commands) {
      i++;
      out.add(fresh.apply(new Meta(i, 1_000L * i), c));
    }
    return out;
  }

  Reply reply(Command c) {
    return apply(c).reply();
  }

  /** Applies and asserts success. */
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

  List<Effect.Deliver> takeDeliveries() {
    List<Effect.Deliver> out = new ArrayList<>();
    effects.removeIf(e -> {
      if (e instanceof Effect.Deliver d) {
        out.add(d);
        return true;
      }
      return false;
    });
    return out;
  }

  static QueueName q(String name) {
    return new QueueName("/", name);
  }

  static ExchangeName x(String name) {
    return new ExchangeName("/", name);
  }

  static Message message(String exchange, String key, String body) {
    return message(exchange, key, body, Arguments.EMPTY);
  }

  static Message message(String exchange, String key, String body, Arguments headers) {
    return new Message(exchange, key, new byte[] {0, 0}, MessageBody.of(body.getBytes(StandardCharsets.UTF_8)),
        headers, false);
  }

  static String body(Effect.Deliver d) {
    return new String(d.message().body().bytes(), StandardCharsets.UTF_8);
  }

  Command.DeclareQueue declareQueue(String name) {
    return new Command.DeclareQueue(q(name), false, false, false, false, Arguments.EMPTY, 1, false);
  }

  Command.Publish publish(String exchange, String key, String body) {
    return new Command.Publish("/", message(exchange, key, body));
  }
}
