package io.warren.raft;

import java.util.Set;

/**
 * Optional extra of a {@link GroupStateMachine}: families whose values are often large (message
 * bodies), stored in RocksDB blob files so compaction does not rewrite them.
 */
public interface LargeValues {
  Set<String> largeValueFamilies();
}
