package io.warren.model;

/**
 * How connection ids are laid out: {@code [node:8][run:24][counter:32]}. The node is the position
 * of the node that accepted the connection in the cluster's sorted peer list, and the run counts
 * that node's starts; so ids are unique across the cluster and across restarts, and a node's
 * later runs have higher ids than its earlier ones.
 */
public final class ConnectionIds {
  /** Runs wrap after this many starts of one node. */
  public static final long MAX_RUN = (1L << 24) - 1;

  private ConnectionIds() {}

  /** The first id of a node's run; the run's connections count up from it. */
  public static long first(int node, long run) {
    if (node < 0 || node > 255) {
      throw new IllegalArgumentException("node position out of range: " + node);
    }
    return ((long) node << 56) | ((run & MAX_RUN) << 32);
  }

  /** The node that accepted connection {@code id}. */
  public static int node(long id) {
    return (int) (id >>> 56);
  }
}
