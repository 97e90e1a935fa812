package dev.caravel.apiserver.registry;

import dev.caravel.apiserver.auth.ServiceAccountTokens;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * The creates Caravel answers without storing what was sent, by group, resource and subresource.
 */
final class AnsweredCreates {

    private static final String AUTHENTICATION = "authentication.k8s.io";
    private static final String AUTHORIZATION = "authorization.k8s.io";

    private final Map<String, AnsweredCreate> byResource;

    AnsweredCreates(Registry registry, ServiceAccountTokens tokens, Clock clock) {
        PodBinding binding = new PodBinding(registry, clock);
        this.byResource = Map.of(
                key("", "serviceaccounts", "token"), new TokenRequestCreate(registry, tokens),
                key(AUTHENTICATION, "tokenreviews", ""), new TokenReviewCreate(registry, tokens),
                key(AUTHENTICATION, "selfsubjectreviews", ""), new SelfSubjectReviewCreate(clock),
                key(AUTHORIZATION, "selfsubjectaccessreviews", ""), AccessReviewCreate.selfSubjectAccessReview(),
                key(AUTHORIZATION, "subjectaccessreviews", ""), AccessReviewCreate.subjectAccessReview(),
                key(AUTHORIZATION, "localsubjectaccessreviews", ""), AccessReviewCreate.localSubjectAccessReview(),
                key(AUTHORIZATION, "selfsubjectrulesreviews", ""), AccessReviewCreate.selfSubjectRulesReview(),
                key("", "pods", "binding"), binding,
                key("", "bindings", ""), binding);
    }

    Optional<AnsweredCreate> find(String group, String resource, String subresource) {
        return Optional.ofNullable(byResource.get(key(group, resource, subresource)));
    }

    private static String key(String group, String resource, String subresource) {
        return group + "/" + resource + "/" + subresource;
    }
}
