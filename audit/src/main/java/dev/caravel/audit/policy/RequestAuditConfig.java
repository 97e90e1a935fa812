package dev.caravel.audit.policy;

import dev.caravel.audit.event.AuditStage;

import java.util.Set;

/**
 * What the policy decided for one request: the level, the stages not to write (policy-level and
 * rule-level omitStages already merged) and whether to strip {@code metadata.managedFields} from
 * the request and response objects.
 */
public record RequestAuditConfig(AuditLevel level, Set<AuditStage> omitStages, boolean omitManagedFields) {

    public RequestAuditConfig {
        omitStages = Set.copyOf(omitStages);
    }

    /** True if an event of this stage is to be written for the request. */
    public boolean writes(AuditStage stage) {
        return level != AuditLevel.NONE && !omitStages.contains(stage);
    }
}
