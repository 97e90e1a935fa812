package dev.caravel.audit.policy;

import dev.caravel.audit.event.AuditStage;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An audit.k8s.io/v1 Policy: rules tried in order, the first that matches a request decides its
 * level; a request no rule matches is not audited (level None), as in kube-apiserver.
 *
 * <p>The policy's {@code omitStages} apply to every rule: they are merged into each rule's own at
 * construction, so evaluation is a single scan. The policy's {@code omitManagedFields} is the
 * default a rule may override.
 *
 * <p>Read a file with {@link AuditPolicyFile#load(java.nio.file.Path)}.
 */
public final class AuditPolicy {

    private final List<PolicyRule> rules;
    private final List<RequestAuditConfig> decisions;
    private final RequestAuditConfig noMatch;

    public AuditPolicy(List<PolicyRule> rules, Set<AuditStage> omitStages, boolean omitManagedFields) {
        this.rules = List.copyOf(rules);
        Set<AuditStage> policyStages = omitStages == null || omitStages.isEmpty()
                ? EnumSet.noneOf(AuditStage.class) : EnumSet.copyOf(omitStages);
        List<RequestAuditConfig> decided = new ArrayList<>(this.rules.size());
        for (PolicyRule rule : this.rules) {
            EnumSet<AuditStage> merged = EnumSet.copyOf(policyStages);
            merged.addAll(rule.omitStages());
            boolean omit = Objects.requireNonNullElse(rule.omitManagedFields(), omitManagedFields);
            decided.add(new RequestAuditConfig(rule.level(), merged, omit));
        }
        this.decisions = List.copyOf(decided);
        this.noMatch = new RequestAuditConfig(AuditLevel.NONE, policyStages, omitManagedFields);
    }

    /** A policy with one rule that audits every request at {@code level}. */
    public static AuditPolicy everything(AuditLevel level) {
        return new AuditPolicy(List.of(PolicyRule.ofLevel(level)), Set.of(), false);
    }

    public List<PolicyRule> rules() {
        return rules;
    }

    /** The level, stages to omit and managedFields choice for a request: the first matching rule wins. */
    public RequestAuditConfig evaluate(RequestAttributes request) {
        for (int i = 0; i < rules.size(); i++) {
            if (rules.get(i).matches(request)) {
                return decisions.get(i);
            }
        }
        return noMatch;
    }
}
