package io.warren.node.broker;

import io.warren.model.Broker;
import io.warren.model.Command;
import io.warren.model.Effect;
import io.warren.protocol.ReplyCode;
import io.warren.model.Meta;
import io.warren.model.Reply;
import io.warren.model.Result;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single-node command log: one broker thread applies commands to one {@link Broker} in
 * submission order. It drains everything queued in one go and hands each session its replies and
 * effects as one task per batch, which is what makes it fast: one wake-up and one event-loop hop
 * per batch rather than per message.
 */
public final class LocalCommandLog implements CommandLog {
  private static final Logger log = LoggerFactory.getLogger(LocalCommandLog.class);
  /** Submissions applied before replies are handed out, bounding the latency a batch adds. */
  private static final int MAX_BATCH = 8192;

  private record SessionWork(ClientSession session, List<Submission> submissions) {}

  private record ExternalWork(Command command, CompletableFuture<Result> future) {}

  private record Registration(ClientSession session) {}

  private record Inspection<T>(Function<Broker, T> reader, CompletableFuture<T> future) {
    void run(Broker broker) {
      try {
        future.complete(reader.apply(broker));
      } catch (RuntimeException e) {
        future.completeExceptionally(e);
      }
    }
  }

  private final Broker broker;
  private final ConcurrentLinkedQueue<Object> inbox = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean sleeping = new AtomicBoolean();
  private final Thread thread;
  private volatile boolean running = true;

  // Touched only by the broker thread.
  private final Map<Long, ClientSession> sessions = new HashMap<>();
  private final Map<ClientSession, ClientSession.AppliedBatch> outboxes = new IdentityHashMap<>();
  private long index;

  public LocalCommandLog(Broker broker) {
    this.broker = broker;
    this.thread = new Thread(this::run, "warren-broker");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void register(ClientSession session) {
    enqueue(new Registration(session));
  }

  @Override
  public void submit(ClientSession session, List<Submission> submissions) {
    if (!submissions.isEmpty()) {
      enqueue(new SessionWork(session, submissions));
    }
  }

  @Override
  public CompletableFuture<Result> submit(Command command) {
    CompletableFuture<Result> future = new CompletableFuture<>();
    enqueue(new ExternalWork(command, future));
    return future;
  }

  /**
   * Runs {@code reader} on the broker thread, between two applied commands, and completes the
   * future with what it returns: the only safe way for another thread to look at the model, which
   * is mutated on the broker thread alone. {@code reader} must not change the model and should be
   * quick (it delays the commands queued behind it); it should copy what it needs into immutable
   * values. The future never completes once the log is closed, so callers wait with a timeout.
   */
  public <T> CompletableFuture<T> inspect(Function<Broker, T> reader) {
    CompletableFuture<T> future = new CompletableFuture<>();
    enqueue(new Inspection<>(reader, future));
    return future;
  }

  private void enqueue(Object work) {
    inbox.offer(work);
    if (sleeping.get() && sleeping.compareAndSet(true, false)) {
      LockSupport.unpark(thread);
    }
  }

  @Override
  public void close() {
    running = false;
    LockSupport.unpark(thread);
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    while (running) {
      Object work = inbox.poll();
      if (work == null) {
        sleeping.set(true);
        if (inbox.isEmpty() && running) {
          LockSupport.park(this);
        }
        sleeping.set(false);
        continue;
      }
      int applied = 0;
      while (work != null) {
        applied += process(work);
        if (applied >= MAX_BATCH) {
          break;
        }
        work = inbox.poll();
      }
      dispatch();
    }
  }

  private int process(Object work) {
    if (work instanceof SessionWork w) {
      ClientSession.AppliedBatch own = outbox(w.session());
      for (Submission s : w.submissions()) {
        Result r = apply(s.command());
        own.addReply(s.onReply(), r.reply());
        route(r.effects());
        if (s.command() instanceof Command.CloseConnection c) {
          sessions.remove(c.connection());
        }
      }
      return w.submissions().size();
    } else if (work instanceof ExternalWork w) {
      Result r = apply(w.command());
      route(r.effects());
      w.future().complete(r);
      return 1;
    } else if (work instanceof Registration reg) {
      sessions.put(reg.session().connectionId(), reg.session());
    } else if (work instanceof Inspection<?> inspection) {
      inspection.run(broker);
    }
    return 0;
  }

  private Result apply(Command command) {
    try {
      return broker.apply(new Meta(++index, System.currentTimeMillis()), command);
    } catch (RuntimeException e) {
      log.error("Bug: applying {} failed", command, e);
      return Result.of(new Reply.Failure(ReplyCode.INTERNAL_ERROR, "internal error applying " + command
          .getClass().getSimpleName()));
    }
  }

  private void route(List<Effect> effects) {
    for (Effect e : effects) {
      ClientSession target = sessions.get(e.connection());
      if (target != null) {
        outbox(target).addEffect(e);
      }
    }
  }

  private ClientSession.AppliedBatch outbox(ClientSession session) {
    return outboxes.computeIfAbsent(session, s -> new ClientSession.AppliedBatch());
  }

  private void dispatch() {
    for (Map.Entry<ClientSession, ClientSession.AppliedBatch> e : outboxes.entrySet()) {
      ClientSession session = e.getKey();
      ClientSession.AppliedBatch batch = e.getValue();
      try {
        session.execute(() -> session.onApplied(batch));
      } catch (RuntimeException ex) {
        log.debug("Session {} no longer takes work", session.connectionId(), ex);
      }
    }
    outboxes.clear();
  }
}
