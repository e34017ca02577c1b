package io.warren.cluster;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/**
 * Runs the container tests where a Docker engine answers and skips them where none does (a
 * developer's machine), except in CI ({@code CI=true}), which promises an engine: there a missing
 * one makes the tests fail instead of passing unnoticed as skipped.
 */
final class DockerCondition implements ExecutionCondition {
  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    if (DockerClientFactory.instance().isDockerAvailable()) {
      return ConditionEvaluationResult.enabled("a Docker engine answers");
    }
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      return ConditionEvaluationResult.enabled("CI=true and no Docker engine answers: the tests will fail");
    }
    return ConditionEvaluationResult.disabled("no Docker engine answers (with CI=true this fails instead)");
  }
}
