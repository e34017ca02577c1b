package io.warren.node.metrics;

import io.prometheus.client.Collector;
import io.prometheus.client.GaugeMetricFamily;
import io.warren.raft.GroupFigures;
import io.warren.raft.GroupStatus;
import io.warren.storage.StoreStats;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Raft and RocksDB figures of every group this node hosts (the metadata group and the queue
 * partitions), read from the Raft layer once per scrape. Raft figures RabbitMQ's quorum queues also
 * report keep its names (it labels them by queue, Warren by group); the others are {@code warren_}.
 */
final class GroupCollector extends Collector {
  static final List<String> GROUP_LABELS = List.of("group");
  static final List<String> STORE_LABELS = List.of("store");

  private static final List<Figure<GroupFigures>> RAFT = List.of(
      Figure.counter("rabbitmq_raft_term_total", "Current Raft term", g -> g.status().term()),
      Figure.gauge("rabbitmq_raft_log_commit_index", "Highest log index known committed",
          g -> g.status().commitIndex()),
      Figure.gauge("rabbitmq_raft_log_last_applied_index", "Highest log index applied by this replica",
          g -> g.status().appliedIndex()),
      Figure.gauge("rabbitmq_raft_log_snapshot_index", "Log index of the latest snapshot (-1: none)",
          g -> g.status().snapshotIndex()),
      Figure.gauge("warren_raft_apply_lag_entries", "Entries committed but not yet applied by this replica",
          GroupFigures::applyLag),
      Figure.counter("warren_raft_leader_changes_total",
          "Times this replica learnt of a newly elected leader since the node started",
          GroupFigures::leaderChanges),
      Figure.counter("warren_raft_snapshot_installs_total",
          "Snapshots this replica installed from its leader since the node started",
          GroupFigures::snapshotInstalls),
      Figure.gauge("warren_raft_log_size_bytes", "Size of the group's Raft log segments on disk",
          GroupFigures::logBytes));

  private static final List<Figure<GroupFigures>> ROCKSDB = List.of(
      Figure.gauge("warren_rocksdb_sst_files_size_bytes", "Size of all table and blob files",
          store(StoreStats::sstBytes)),
      Figure.gauge("warren_rocksdb_live_data_size_bytes", "Estimated size of the live data",
          store(StoreStats::liveDataBytes)),
      Figure.gauge("warren_rocksdb_estimated_keys", "Estimated number of live keys", store(StoreStats::estimatedKeys)),
      Figure.gauge("warren_rocksdb_memtable_size_bytes", "Memory held by memtables", store(StoreStats::memtableBytes)),
      Figure.gauge("warren_rocksdb_pending_compaction_bytes",
          "Bytes compaction estimates it must rewrite", store(StoreStats::pendingCompactionBytes)),
      Figure.gauge("warren_rocksdb_running_compactions", "Compactions running now",
          store(StoreStats::runningCompactions)),
      Figure.gauge("warren_rocksdb_delayed_write_rate_bytes",
          "Rate in bytes per second writes are slowed to while RocksDB delays them (0: not delayed)",
          store(StoreStats::delayedWriteRate)),
      Figure.gauge("warren_rocksdb_write_stopped", "1 while RocksDB stops writes", store(s -> s.writeStopped() ? 1 : 0)),
      Figure.counter("warren_rocksdb_write_delays_total", "Times RocksDB delayed writes since the store opened",
          store(StoreStats::writeDelays)),
      Figure.counter("warren_rocksdb_write_stops_total", "Times RocksDB stopped writes since the store opened",
          store(StoreStats::writeStops)));

  private final Supplier<List<GroupFigures>> groups;

  GroupCollector(Supplier<List<GroupFigures>> groups) {
    this.groups = groups;
  }

  @Override
  public List<MetricFamilySamples> collect() {
    List<GroupFigures> all = groups.get();
    List<MetricFamilySamples> out = new ArrayList<>(RAFT.size() + ROCKSDB.size() + 1);
    out.add(roles(all));
    for (Figure<GroupFigures> f : RAFT) {
      out.add(f.collect(GROUP_LABELS, all, g -> List.of(g.group())));
    }
    List<GroupFigures> open = all.stream().filter(g -> g.store().isPresent()).toList();
    for (Figure<GroupFigures> f : ROCKSDB) {
      out.add(f.collect(STORE_LABELS, open, g -> List.of(g.group())));
    }
    return out;
  }

  /** Reads a store figure of a group whose store is open. */
  private static ToDoubleFunction<GroupFigures> store(ToDoubleFunction<StoreStats> figure) {
    return g -> figure.applyAsDouble(g.store().orElseThrow());
  }

  /** A state set: one sample per role, 1 for the replica's current one. */
  private static MetricFamilySamples roles(List<GroupFigures> all) {
    GaugeMetricFamily family = new GaugeMetricFamily("warren_raft_role",
        "This replica's role in the group: 1 for the current role, 0 for the others", List.of("group", "role"));
    for (GroupFigures g : all) {
      for (GroupStatus.Role role : GroupStatus.Role.values()) {
        family.addMetric(List.of(g.group(), role.name().toLowerCase(java.util.Locale.ROOT)),
            g.status().role() == role ? 1 : 0);
      }
    }
    return family;
  }
}
