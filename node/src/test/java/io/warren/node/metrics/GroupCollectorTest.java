package io.warren.node.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.Collector.MetricFamilySamples.Sample;
import io.warren.raft.GroupFigures;
import io.warren.raft.GroupStatus;
import io.warren.storage.StoreStats;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the Raft and RocksDB families say for given group figures. */
class GroupCollectorTest {
  private static final StoreStats STORE = new StoreStats(10, 2000, 4096, 512, 77, 1, 1_000_000, true, 3, 2);
  private static final GroupFigures LEADING = new GroupFigures("meta",
      new GroupStatus(GroupStatus.Role.LEADER, 4, Optional.of("n1"), 120, 117, 100, Map.of(), -1),
      2, 0, 8192, Optional.of(STORE));
  /** Its store is being replaced by an installed snapshot. */
  private static final GroupFigures INSTALLING = new GroupFigures("partition-0",
      new GroupStatus(GroupStatus.Role.FOLLOWER, 4, Optional.of("n2"), 50, 50, -1, Map.of(), 10),
      1, 1, 1024, Optional.empty());

  private final List<MetricFamilySamples> families =
      new GroupCollector(() -> List.of(LEADING, INSTALLING)).collect();

  @Test
  void raftFiguresPerGroup() {
    assertThat(value("rabbitmq_raft_term_total", "meta")).isEqualTo(4.0);
    assertThat(value("rabbitmq_raft_log_commit_index", "meta")).isEqualTo(120.0);
    assertThat(value("rabbitmq_raft_log_last_applied_index", "meta")).isEqualTo(117.0);
    assertThat(value("warren_raft_apply_lag_entries", "meta")).isEqualTo(3.0);
    assertThat(value("rabbitmq_raft_log_snapshot_index", "partition-0")).isEqualTo(-1.0);
    assertThat(value("warren_raft_leader_changes_total", "meta")).isEqualTo(2.0);
    assertThat(value("warren_raft_snapshot_installs_total", "partition-0")).isEqualTo(1.0);
    assertThat(value("warren_raft_log_size_bytes", "meta")).isEqualTo(8192.0);
  }

  @Test
  void theRoleIsAStateSet() {
    assertThat(samples("warren_raft_role"))
        .filteredOn(s -> s.labelValues.get(0).equals("partition-0"))
        .extracting(s -> s.labelValues.get(1) + "=" + s.value)
        .containsExactly("leader=0.0", "follower=1.0", "candidate=0.0", "other=0.0");
  }

  @Test
  void storeFiguresOnlyForOpenStores() {
    assertThat(value("warren_rocksdb_sst_files_size_bytes", "meta")).isEqualTo(4096.0);
    assertThat(value("warren_rocksdb_pending_compaction_bytes", "meta")).isEqualTo(77.0);
    assertThat(value("warren_rocksdb_delayed_write_rate_bytes", "meta")).isEqualTo(1_000_000.0);
    assertThat(value("warren_rocksdb_write_stopped", "meta")).isEqualTo(1.0);
    assertThat(value("warren_rocksdb_write_delays_total", "meta")).isEqualTo(3.0);
    assertThat(value("warren_rocksdb_write_stops_total", "meta")).isEqualTo(2.0);
    assertThat(samples("warren_rocksdb_sst_files_size_bytes")).extracting(s -> s.labelValues)
        .containsExactly(List.of("meta"));
  }

  private List<Sample> samples(String name) {
    return families.stream().flatMap(f -> f.samples.stream()).filter(s -> s.name.equals(name)).toList();
  }

  private double value(String name, String group) {
    return samples(name).stream().filter(s -> s.labelValues.get(0).equals(group))
        .mapToDouble(s -> s.value).findFirst().orElseThrow();
  }
}
