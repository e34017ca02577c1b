package io.warren.node.broker;

import io.warren.model.Command;
import io.warren.node.replication.PartitionMachine;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings time to the queues: the model reads no clock, so message TTLs and queue expiry act when
 * a {@link Command.Tick} is applied. Every {@link #INTERVAL_MS} ms the node's broker gets one
 * (applied at once, it costs no Raft entry), and each queue partition this node leads gets one
 * through its log when the leader's replica has something due, so that every replica expires the
 * same messages at the same (stamped) time. A tick that finds nothing due changes nothing, so one
 * too many (after a leader change) does no harm.
 */
public final class ExpiryTicker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ExpiryTicker.class);
  /** How often time is brought to the queues: the most a message outlives its TTL by. */
  public static final long INTERVAL_MS = 50;

  private final ReplicatedCommandLog commandLog;
  private final Map<String, PartitionMachine> partitions;
  private final Predicate<String> leads;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "warren-expiry");
    t.setDaemon(true);
    return t;
  });

  /**
   * @param partitions the partition state machines of this node, by group
   * @param leads whether this node leads a group now
   */
  public ExpiryTicker(ReplicatedCommandLog commandLog, Map<String, PartitionMachine> partitions,
      Predicate<String> leads) {
    this.commandLog = commandLog;
    this.partitions = partitions;
    this.leads = leads;
  }

  public void start() {
    timer.scheduleWithFixedDelay(this::tick, INTERVAL_MS, INTERVAL_MS, TimeUnit.MILLISECONDS);
  }

  private void tick() {
    try {
      commandLog.submit(new Command.Tick());
      long now = System.currentTimeMillis();
      partitions.forEach((group, machine) -> {
        if (machine.nextDeadline() <= now && leads.test(group)) {
          commandLog.submitTo(group, new Command.Tick());
        }
      });
    } catch (RuntimeException e) {
      log.warn("Expiry tick failed", e); // the next one tries again
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
