package dev.caravel.apiserver.registry;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.request.RequestUser;
import dev.caravel.apiserver.schema.GroupVersionKind;

import java.time.Clock;

/**
 * {@code POST /apis/authentication.k8s.io/v1/selfsubjectreviews} ({@code kubectl auth whoami}):
 * the requesting user's attributes, as Kubernetes' SelfSubjectReview REST answers them. Until
 * Caravel authenticates, that user is {@link RequestUser#UNSECURED}.
 */
final class SelfSubjectReviewCreate implements AnsweredCreate {

    static final GroupVersionKind KIND = new GroupVersionKind("authentication.k8s.io", "v1", "SelfSubjectReview");

    private final Clock clock;

    SelfSubjectReviewCreate(Clock clock) {
        this.clock = clock;
    }

    @Override
    public GroupVersionKind bodyKind() {
        return KIND;
    }

    @Override
    public Answer create(Call call) {
        ObjectNode review = StoredObjects.JSON.createObjectNode();
        review.put("kind", KIND.kind());
        review.put("apiVersion", KIND.group() + "/" + KIND.version());
        review.putObject("metadata").put("creationTimestamp", GenericStore.timestamp(clock.instant()));
        review.putObject("status").set("userInfo", userInfo(call.user()));
        return Answer.created(review);
    }

    /** authentication.k8s.io/v1 UserInfo: empty members left out, as Go's omitempty does. */
    static ObjectNode userInfo(RequestUser user) {
        ObjectNode info = StoredObjects.JSON.createObjectNode();
        info.put("username", user.name());
        if (!user.uid().isEmpty()) {
            info.put("uid", user.uid());
        }
        if (!user.groups().isEmpty()) {
            ArrayNode groups = info.putArray("groups");
            user.groups().forEach(groups::add);
        }
        return info;
    }
}
