package io.warren.node.management;

import io.warren.node.replication.ClusterMembers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * {@code /api/cluster/members}: Warren's own resource (RabbitMQ changes membership with
 * {@code rabbitmqctl join_cluster} and {@code forget_cluster_node}, not over HTTP). {@code GET}
 * lists members and admitted nodes; {@code PUT /api/cluster/members/{node}} admits a node, which
 * then joins when it starts with {@code cluster.join=true}; {@code DELETE} removes a member from
 * every Raft group and answers once that is done.
 */
final class MembersApi {
  private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9_-]+");
  private static final long CHANGE_TIMEOUT_SECONDS = 120;

  private final MembershipControl control;

  MembersApi(MembershipControl control) {
    this.control = control;
  }

  void register(Routes routes) {
    routes.get("cluster/members", r -> ApiResponse.ok(list()))
        .put("cluster/members/{node}", r -> {
          String node = nodeId(r.param("node"));
          boolean known = control.registry().indexes().containsKey(node) || control.registry().admitted().contains(node);
          await(control.admit(node).thenApply(v -> null));
          return ApiResponse.createdOrExisted(!known);
        })
        .delete("cluster/members/{node}", r -> {
          String node = nodeId(r.param("node"));
          ClusterMembers registry = control.registry();
          if (!registry.indexes().containsKey(node) && !registry.admitted().contains(node)) {
            throw ApiException.notFound();
          }
          await(control.remove(node).thenApply(v -> null));
          return ApiResponse.NO_CONTENT;
        });
  }

  private List<Map<String, Object>> list() {
    ClusterMembers registry = control.registry();
    List<String> replicating = control.replicating();
    List<Map<String, Object>> out = new ArrayList<>();
    TreeSet<String> names = new TreeSet<>(registry.indexes().keySet());
    names.addAll(registry.admitted());
    for (String node : names) {
      Integer index = registry.indexes().get(node);
      out.add(Json.obj(
          "name", node,
          "index", index,
          "state", index == null ? "admitted" : replicating.contains(node) ? "member" : "joining",
          "partitions", registry.partitions()));
    }
    return out;
  }

  private static String nodeId(String node) {
    if (!NODE_ID.matcher(node).matches()) {
      throw ApiException.badRequest("node names are letters, digits, '-' and '_': " + node);
    }
    return node;
  }

  private static void await(java.util.concurrent.CompletableFuture<Void> change) {
    try {
      change.get(CHANGE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IllegalArgumentException || cause instanceof io.warren.raft.ReplicationException r
          && r.kind() == io.warren.raft.ReplicationException.Kind.REJECTED) {
        throw ApiException.badRequest(cause.getMessage());
      }
      throw ApiException.unavailable(String.valueOf(cause.getMessage()));
    } catch (TimeoutException e) {
      throw ApiException.unavailable("the membership change did not finish within " + CHANGE_TIMEOUT_SECONDS + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApiException.unavailable("interrupted");
    }
  }
}
