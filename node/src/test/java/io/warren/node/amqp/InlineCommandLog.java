package io.warren.node.amqp;

import io.warren.model.Broker;
import io.warren.model.Command;
import io.warren.model.Meta;
import io.warren.model.Result;
import io.warren.node.broker.ClientSession;
import io.warren.node.broker.CommandLog;
import io.warren.node.broker.Submission;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Test kit: a command log that applies in the submitting thread, so an EmbeddedChannel test runs
 * on one thread. Replies and effects still reach the session through {@link ClientSession#execute}
 * (the embedded event loop), as with {@link io.warren.node.broker.ReplicatedCommandLog}, one task per submit.
 */
final class InlineCommandLog implements CommandLog {
  final Broker broker = new Broker();
  private final java.util.Map<Long, ClientSession> sessions = new java.util.HashMap<>();
  private long index;

  InlineCommandLog() {
    broker.apply(new Meta(++index, 0), new Command.AddDefaultUser("guest",
        io.warren.node.amqp.PasswordHasher.hash("guest")));
  }

  @Override
  public io.warren.model.AccessControl access() {
    return broker.access();
  }

  @Override
  public void register(ClientSession session) {
    sessions.put(session.connectionId(), session);
  }

  @Override
  public void submit(ClientSession session, List<Submission> submissions) {
    java.util.Map<ClientSession, ClientSession.AppliedBatch> out = new java.util.LinkedHashMap<>();
    for (Submission s : submissions) {
      Result r = broker.apply(new Meta(++index, 0), s.command());
      out.computeIfAbsent(session, x -> new ClientSession.AppliedBatch()).addReply(s.onReply(), r.reply());
      r.effects().forEach(e -> {
        ClientSession target = sessions.get(e.connection());
        if (target != null) {
          out.computeIfAbsent(target, x -> new ClientSession.AppliedBatch()).addEffect(e);
        }
      });
    }
    out.forEach((target, batch) -> target.execute(() -> target.onApplied(batch)));
  }

  @Override
  public CompletableFuture<Result> submit(Command command) {
    return CompletableFuture.completedFuture(broker.apply(new Meta(++index, 0), command));
  }

  @Override
  public void close() {}
}
