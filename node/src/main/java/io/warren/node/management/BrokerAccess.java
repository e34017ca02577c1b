package io.warren.node.management;

import io.warren.model.Broker;
import io.warren.model.ClientsSnapshot;
import io.warren.model.Command;
import io.warren.model.Reply;
import io.warren.model.Result;
import io.warren.node.amqp.AmqpServer;
import io.warren.node.amqp.ConnectionInfo;
import io.warren.node.broker.ReplicatedCommandLog;
import io.warren.node.metrics.BrokerSnapshot;
import io.warren.node.replication.PartitionMachine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The broker as the API threads reach it, never blocking an AMQP event loop or the broker thread:
 * reads are copied out on the thread that owns the state (the broker thread, a partition's apply
 * lock, each connection's event loop) and waited for here with a timeout; changes are submitted
 * to the command log like any session's, so they are replicated exactly like AMQP ones.
 */
final class BrokerAccess {
  static final Duration TIMEOUT = Duration.ofSeconds(15);

  private final ReplicatedCommandLog commandLog;
  private final Supplier<? extends Collection<PartitionMachine>> partitions;
  private final Supplier<CompletableFuture<BrokerSnapshot>> figures;
  private final AmqpServer amqp;

  /**
   * @param figures the node's queue figures, as the metrics endpoint gets them (replicated queues'
   *     from their partitions)
   */
  BrokerAccess(ReplicatedCommandLog commandLog, Supplier<? extends Collection<PartitionMachine>> partitions,
      Supplier<CompletableFuture<BrokerSnapshot>> figures, AmqpServer amqp) {
    this.commandLog = commandLog;
    this.partitions = partitions;
    this.figures = figures;
    this.amqp = amqp;
  }

  Topology topology() {
    return await(commandLog.inspect(Topology::of), "reading the topology");
  }

  BrokerSnapshot figures() {
    return await(figures.get(), "reading queue figures");
  }

  /**
   * The clients as the queues know them: the node's broker (non-replicated queues) and every
   * partition replica here (replicated queues, with the consumers of every node of the cluster).
   */
  List<ClientsSnapshot> clients() {
    List<ClientsSnapshot> all = new ArrayList<>();
    all.add(await(commandLog.inspect(Broker::exportClients), "reading consumers"));
    for (PartitionMachine p : partitions.get()) {
      ClientsSnapshot s = p.inspect(Broker::exportClients);
      if (s != null) {
        all.add(s);
      }
    }
    return all;
  }

  /** The AMQP connections open on this node. */
  List<ConnectionInfo> connections() {
    return await(amqp.connections(), "reading connections");
  }

  AmqpServer amqp() {
    return amqp;
  }

  /** Submits a command as the management pseudo-client and waits for its reply. */
  Reply submit(Command command) {
    Result r = await(commandLog.submit(command), "applying " + command.getClass().getSimpleName());
    return r.reply();
  }

  private static <T> T await(CompletableFuture<T> future, String what) {
    try {
      return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(false);
      throw ApiException.unavailable("timed out " + what);
    } catch (ExecutionException e) {
      throw new IllegalStateException(what + " failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApiException.unavailable("interrupted " + what);
    }
  }
}
