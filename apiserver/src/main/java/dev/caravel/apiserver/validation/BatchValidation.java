package dev.caravel.apiserver.validation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravel.apiserver.api.FieldError;
import dev.caravel.apiserver.api.FieldPath;
import dev.caravel.apiserver.api.GoQuote;
import dev.caravel.apiserver.selection.LabelSelector;

import java.util.ArrayList;
import java.util.List;

/**
 * batch/v1 Job and CronJob, after Kubernetes' batch validation: pods that restart OnFailure or
 * Never, non-negative counts, a template that does not change once the Job exists, and a
 * CronJob's schedule.
 */
final class BatchValidation {

    private static final List<String> JOB_RESTART_POLICIES = List.of("OnFailure", "Never");
    private static final List<String> CONCURRENCY_POLICIES = List.of("Allow", "Forbid", "Replace");
    /** A CronJob's name leaves room for the 11 characters of its Jobs' suffix within a DNS-1035 label. */
    static final int CRON_JOB_NAME_MAX_LENGTH = 63 - 11;

    private BatchValidation() {
    }

    static final class Job implements TypeValidator {
        @Override
        public List<FieldError> validate(JsonNode job) {
            return validateJobSpec(JsonFields.at(job, "spec"), FieldPath.of("spec"));
        }

        @Override
        public List<FieldError> validateUpdate(JsonNode job, JsonNode old) {
            List<FieldError> errors = new ArrayList<>();
            JsonNode spec = JsonFields.at(job, "spec");
            JsonNode oldSpec = JsonFields.at(old, "spec");
            FieldPath path = FieldPath.of("spec");
            // The selector is the Job's identity for its pods; the template may change only while
            // the Job is suspended (for the scheduling directives), which we do not model: whole.
            if (JsonFields.present(oldSpec.get("selector")) && !JsonFields.sameJson(spec.get("selector"), oldSpec.get("selector"))) {
                errors.add(FieldError.immutable(path.child("selector"), WorkloadValidation.goLabelSelector(spec.get("selector"))));
            }
            if (!JsonFields.sameJson(spec.get("template"), oldSpec.get("template"))) {
                errors.add(FieldError.immutable(path.child("template"), new FieldError.GoLiteral("core.PodTemplateSpec{...}")));
            }
            if (!JsonFields.sameJson(spec.get("completionMode"), oldSpec.get("completionMode"))) {
                errors.add(FieldError.immutable(path.child("completionMode"), JsonFields.text(spec, "completionMode")));
            }
            if (JsonFields.text(spec, "completionMode").equals("Indexed")
                    && !JsonFields.sameJson(spec.get("completions"), oldSpec.get("completions"))) {
                errors.add(FieldError.immutable(path.child("completions"), JsonFields.integer(spec, "completions")));
            }
            return errors;
        }
    }

    static List<FieldError> validateJobSpec(JsonNode spec, FieldPath path) {
        List<FieldError> errors = new ArrayList<>();
        for (String field : List.of("parallelism", "completions", "backoffLimit", "activeDeadlineSeconds",
                "ttlSecondsAfterFinished")) {
            Long value = JsonFields.integer(spec, field);
            if (value != null && value < 0) {
                errors.add(FieldError.invalid(path.child(field), value, "must be greater than or equal to 0"));
            }
        }
        JsonNode template = spec.get("template");
        FieldPath templatePath = path.child("template");
        if (!JsonFields.present(template)) {
            errors.add(FieldError.required(templatePath, ""));
            return errors;
        }
        if (JsonFields.present(spec.get("selector"))) {
            errors.addAll(LabelSelector.validate(spec.get("selector"), path.child("selector")));
        }
        errors.addAll(PodValidation.validateTemplate(template, templatePath));
        // An absent restartPolicy is defaulted to Always for any pod template, which a Job refuses.
        String restartPolicy = JsonFields.text(template, "spec", "restartPolicy");
        String effective = restartPolicy.isEmpty() ? "Always" : restartPolicy;
        if (!JOB_RESTART_POLICIES.contains(effective)) {
            errors.add(FieldError.notSupported(templatePath.child("spec", "restartPolicy"), effective,
                    JOB_RESTART_POLICIES));
        }
        return errors;
    }

    static final class CronJob implements TypeValidator {
        @Override
        public List<FieldError> validate(JsonNode cronJob) {
            List<FieldError> errors = new ArrayList<>();
            String name = JsonFields.text(cronJob, "metadata", "name");
            if (name.length() > CRON_JOB_NAME_MAX_LENGTH) {
                errors.add(FieldError.invalid(FieldPath.of("metadata", "name"), name,
                        "must be no more than " + CRON_JOB_NAME_MAX_LENGTH + " characters"));
            }
            JsonNode spec = JsonFields.at(cronJob, "spec");
            FieldPath path = FieldPath.of("spec");
            String schedule = JsonFields.text(spec, "schedule");
            if (schedule.isEmpty()) {
                errors.add(FieldError.required(path.child("schedule"), ""));
            } else {
                String problem = CronSchedule.problem(schedule);
                if (problem != null) {
                    errors.add(FieldError.invalid(path.child("schedule"), schedule, problem));
                }
            }
            String concurrency = JsonFields.text(spec, "concurrencyPolicy");
            if (!concurrency.isEmpty() && !CONCURRENCY_POLICIES.contains(concurrency)) {
                errors.add(FieldError.notSupported(path.child("concurrencyPolicy"), concurrency, CONCURRENCY_POLICIES));
            }
            for (String field : List.of("startingDeadlineSeconds", "successfulJobsHistoryLimit", "failedJobsHistoryLimit")) {
                Long value = JsonFields.integer(spec, field);
                if (value != null && value < 0) {
                    errors.add(FieldError.invalid(path.child(field), value, "must be greater than or equal to 0"));
                }
            }
            JsonNode jobTemplate = spec.get("jobTemplate");
            if (!JsonFields.present(jobTemplate)) {
                errors.add(FieldError.required(path.child("jobTemplate"), ""));
            } else {
                errors.addAll(validateJobSpec(JsonFields.at(jobTemplate, "spec"), path.child("jobTemplate", "spec")));
            }
            return errors;
        }
    }

    /** The standard five-field cron syntax (and the @ descriptors) robfig/cron accepts. */
    static final class CronSchedule {
        private static final List<String> DESCRIPTORS = List.of("@yearly", "@annually", "@monthly", "@weekly",
                "@daily", "@midnight", "@hourly");
        private static final int[][] RANGES = {{0, 59}, {0, 23}, {1, 31}, {1, 12}, {0, 7}};

        private CronSchedule() {
        }

        /** Null when valid, else robfig/cron's complaint. */
        static String problem(String schedule) {
            String s = schedule.trim();
            if (s.startsWith("TZ=") || s.startsWith("CRON_TZ=")) {
                return "cannot use TZ or CRON_TZ in schedule, use timeZone field instead";
            }
            if (s.startsWith("@")) {
                return DESCRIPTORS.contains(s) || s.startsWith("@every ") ? null : "unrecognized descriptor: " + s;
            }
            String[] fields = s.split("\\s+");
            if (fields.length != 5) {
                return "expected exactly 5 fields, found " + fields.length + ": [" + String.join(" ", fields) + "]";
            }
            for (int i = 0; i < 5; i++) {
                String p = field(fields[i], RANGES[i][0], RANGES[i][1]);
                if (p != null) {
                    return p;
                }
            }
            return null;
        }

        private static String field(String field, int min, int max) {
            for (String part : field.split(",", -1)) {
                String range = part;
                int slash = part.indexOf('/');
                if (slash >= 0) {
                    range = part.substring(0, slash);
                    if (!isNumber(part.substring(slash + 1))) {
                        return "failed to parse int from " + part.substring(slash + 1) + ": strconv.Atoi: parsing "
                                + GoQuote.quote(part.substring(slash + 1)) + ": invalid syntax";
                    }
                }
                if (range.equals("*") || range.equals("?")) {
                    continue;
                }
                String[] bounds = range.split("-", -1);
                for (String b : bounds) {
                    if (!isNumber(b) && !isName(b)) {
                        return "failed to parse int from " + b + ": strconv.Atoi: parsing "
                                + GoQuote.quote(b) + ": invalid syntax";
                    }
                    if (isNumber(b)) {
                        int v = Integer.parseInt(b);
                        if (v < min) {
                            return "beginning of range (" + v + ") below minimum (" + min + "): " + part;
                        }
                        if (v > max) {
                            return "end of range (" + v + ") above maximum (" + max + "): " + part;
                        }
                    }
                }
            }
            return null;
        }

        private static boolean isNumber(String s) {
            return !s.isEmpty() && s.chars().allMatch(Character::isDigit) && s.length() < 10;
        }

        private static boolean isName(String s) {
            return s.length() == 3 && s.chars().allMatch(Character::isLetter);
        }
    }
}
