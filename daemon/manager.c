// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * /org/daxmap1, org.daxmap1.Manager: the host's totals as properties, and
 * the methods. Every method takes an a{sv} of options. The read-only ones
 * here are open to every user; those that change the system
 * (provision.c) authorise each call.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <cleanup.h>

#include "apply.h"
#include "bus-errors.h"
#include "context.h"
#include "log.h"
#include "options.h"
#include "devices.h"
#include "provision.h"
#include "verify.h"
#include "util.h"

/* What a caller sent, quoted in an error message, at most this long. */
#define QUOTE_MAX 64

/* The reply's JSON as a bus string: valid UTF-8 whatever the host names. */
static int reply_json(sd_bus_message *m, char *json)
{
	_cleanup_free_ char *safe = NULL;

	if (!utf8_is_valid(json)) {
		/* A process name or a label with bytes that are not UTF-8. */
		safe = utf8_sanitize(json);
		if (!safe)
			return -ENOMEM;
		json = safe;
	}
	return sd_bus_reply_method_return(m, "s", json);
}

/*
 * The kept document as the reply, copied in as it is: sd-bus would check
 * each call's 80 kB again for UTF-8 (sd_bus_message_append() does), which
 * under TCG cost the loop more than everything else a call does; it was
 * made valid once, when it was rendered.
 */
static int reply_status_doc(struct context *c, sd_bus_message *call)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	char *space;
	int r;

	/* As sd_bus_reply_method_return(): no reply when none is wanted. */
	if (!sd_bus_message_get_expect_reply(call))
		return 0;
	r = sd_bus_message_new_method_return(call, &reply);
	if (r < 0)
		return r;
	r = sd_bus_message_append_string_space(reply, c->status_doc.len,
					       &space);
	if (r < 0)
		return r;
	memcpy(space, c->status_doc.json, c->status_doc.len);
	return sd_bus_send(NULL, reply, NULL);
}

int status_reply(struct context *c, sd_bus_message *call, uid_t viewer,
		 unsigned int flags, sd_bus_error *error)
{
	_cleanup_free_ char *json = NULL;
	int r;

	/* Rendered once per change, viewer and flags, not once per call. */
	if (c->status_doc.json &&
	    c->status_doc.generation == c->status_generation &&
	    c->status_doc.viewer == viewer && c->status_doc.flags == flags)
		return reply_status_doc(c, call);
	r = daxmap_status_to_json_for(c->kernel, c->topology, c->config_status,
				      flags, viewer, &json);
	if (r < 0)
		return sd_bus_error_set_errnof(error, r,
					       "Cannot render the status as JSON: %m");
	if (!utf8_is_valid(json)) {
		/* A process name or a label with bytes that are not UTF-8. */
		char *safe = utf8_sanitize(json);

		if (!safe)
			return -ENOMEM;
		free(json);
		json = safe;
	}
	free(c->status_doc.json);
	c->status_doc.json = TAKE_PTR(json);
	c->status_doc.len = strlen(c->status_doc.json);
	c->status_doc.generation = c->status_generation;
	c->status_doc.viewer = viewer;
	c->status_doc.flags = flags;
	return reply_status_doc(c, call);
}

static int method_get_status(sd_bus_message *m, void *userdata,
			     sd_bus_error *error)
{
	struct context *c = userdata;
	bool human = false, no_user_interaction = false;
	/* Whom the bus cannot vouch for sees what nobody's processes show. */
	uid_t viewer = (uid_t)-2;
	unsigned int flags;
	const struct bus_option opts[] = {
		{ "human", "b", &human },
		{ BUS_OPTION_NO_USER_INTERACTION, "b", &no_user_interaction },
	};
	int r;

	r = bus_read_options(m, opts, ARRAY_SIZE(opts), error);
	if (r < 0)
		return r;
	/* The daemon reads every process's maps; the caller sees what the
	 * library's rule lets it (its own processes, counts of the rest). */
	(void)auth_caller_uid(&c->auth, m, &viewer);
	flags = human ? DAXMAP_JSON_HUMAN : 0;

	/* At most STATUS_MAX_AGE old: who maps a device changes without a
	 * uevent, but a thousand callers a second need not scan a thousand
	 * times, and none waits for a scan another started unless what it
	 * would get is older than that. The configuration as the files say
	 * now, held against it. */
	r = context_status_ready(c, error);
	if (r < 0)
		return r;
	if (r == 0)
		return context_status_wait(c, m, viewer, flags);
	return status_reply(c, m, viewer, flags, error);
}

static int invalid_map(sd_bus_error *error, const char *map)
{
	size_t len = utf8_prefix_len(map, QUOTE_MAX);

	return sd_bus_error_setf(error, DAXMAP_ERROR_INVALID_MAP,
				 "Unknown map '%.*s%s': use \"mem\" (the memmap in system RAM) or \"dev\" (the memmap on the device), or \"\" for mem.",
				 (int)len, map, map[len] ? "..." : "");
}

static int method_plan(sd_bus_message *m, void *userdata,
		       sd_bus_error *error)
{
	struct context *c = userdata;
	_cleanup_free_ char *json = NULL;
	bool assume_dedup = false, human = false, no_user_interaction = false;
	const struct bus_option opts[] = {
		{ "assume_dedup", "b", &assume_dedup },
		{ "human", "b", &human },
		{ BUS_OPTION_NO_USER_INTERACTION, "b", &no_user_interaction },
	};
	struct daxmap_plan_request req = {};
	_cleanup_free_ char *message = NULL;
	enum daxmap_reason reason;
	struct daxmap_model model;
	struct daxmap_memmap mm;
	const char *map_name;
	int r;

	r = sd_bus_message_read(m, "tts", &req.size, &req.align, &map_name);
	if (r < 0)
		return r;
	r = bus_read_options(m, opts, ARRAY_SIZE(opts), error);
	if (r < 0)
		return r;

	/* Everything is checked before the model is asked, as daxmapctl plan does. */
	if (*map_name && daxmap_map_from_name(map_name, &req.map) < 0)
		return invalid_map(error, map_name);
	req.assume_dedup = assume_dedup;
	r = daxmap_plan_request_check(&req, &reason, &message);
	if (r >= 0)
		r = daxmap_plan_model(c->kernel, &req, &model, &reason,
				      &message);
	if (r < 0 && reason == DAXMAP_REASON_INVALID_SIZE && req.size &&
	    message) {
		char s[SIZE_DESCRIPTION_BUF];

		/* "Size 3M (3145728 bytes) is not a multiple of align 2M; ..." */
		return sd_bus_error_setf(error, bus_error_for_reason(reason),
					 "Size %s is %s.",
					 describe_size(req.size, s), message);
	}
	if (r < 0)
		return bus_refusal(error, reason, r, message, true);
	r = daxmap_model_memmap(&model, req.size, req.align, req.map, &mm);
	if (r < 0)
		return sd_bus_error_set_errnof(error, r, "Cannot model the plan: %m");

	r = daxmap_plan_to_json(&model, req.size, req.align, req.map,
				human ? DAXMAP_JSON_HUMAN : 0, &json);
	if (r < 0)
		return sd_bus_error_set_errnof(error, r,
					       "Cannot render the plan as JSON: %m");
	return reply_json(m, json);
}

static int method_reload(sd_bus_message *m, void *userdata,
			 sd_bus_error *error)
{
	struct context *c = userdata;
	uid_t uid;
	bool no_user_interaction = false;
	const struct bus_option opts[] = {
		{ BUS_OPTION_NO_USER_INTERACTION, "b", &no_user_interaction },
	};
	int r;

	r = bus_read_options(m, opts, ARRAY_SIZE(opts), error);
	if (r < 0)
		return r;
	/* Another user's Reload within STATUS_MAX_AGE of a scan would only
	 * repeat it: that is how a user could keep the daemon scanning. */
	if ((auth_caller_uid(&c->auth, m, &uid) < 0 || uid != 0) &&
	    context_scan_is_fresh(c, STATUS_MAX_AGE)) {
		log_debug("Reload by %s: the last scan is fresh, not repeated",
			  sender_of(m));
		return sd_bus_reply_method_return(m, NULL);
	}
	log_info("Reload requested by %s",
		 sd_bus_message_get_sender(m) ? sd_bus_message_get_sender(m) :
						"?");
	/* A configuration that does not load is logged, not an error of
	 * Reload: the daemon goes on with the last good one. */
	(void)config_reload(c, NULL);
	r = context_scan(c, SCAN_PROBE_KERNEL, NULL, error);
	if (r < 0)
		return r;
	return sd_bus_reply_method_return(m, NULL);
}

#define CONST_PROPERTY SD_BUS_VTABLE_PROPERTY_CONST
#define CHANGES SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE
#define MGR(field) offsetof(struct context, manager.field)

const sd_bus_vtable manager_vtable[] = {
	SD_BUS_VTABLE_START(0),

	SD_BUS_PROPERTY("Version", "s", NULL, offsetof(struct context, version),
			CONST_PROPERTY),
	/* The kernel cannot change under a running daemon. */
	SD_BUS_PROPERTY("KernelRelease", "s", NULL, MGR(kernel_release),
			CONST_PROPERTY),
	/* Re-probed by Reload. */
	SD_BUS_PROPERTY("VmemmapDedup", "s", NULL, MGR(vmemmap_dedup), CHANGES),
	SD_BUS_PROPERTY("VmemmapDedupReason", "s", NULL,
			MGR(vmemmap_dedup_reason), CHANGES),
	SD_BUS_PROPERTY("KernelMemmapCounting", "s", NULL,
			MGR(memmap_counting), CHANGES),
	SD_BUS_PROPERTY("Regions", "u", NULL, MGR(regions), CHANGES),
	SD_BUS_PROPERTY("DaxRegions", "u", NULL, MGR(dax_regions), CHANGES),
	SD_BUS_PROPERTY("Namespaces", "u", NULL, MGR(namespaces), CHANGES),
	SD_BUS_PROPERTY("Devices", "u", NULL, MGR(devices), CHANGES),
	SD_BUS_PROPERTY("TotalDevdaxBytes", "t", NULL, MGR(devdax_bytes),
			CHANGES),
	SD_BUS_PROPERTY("TotalSystemRamBytes", "t", NULL, MGR(system_ram_bytes),
			CHANGES),
	SD_BUS_PROPERTY("MemmapBaselineBytes", "t", NULL,
			MGR(memmap_baseline_bytes), CHANGES),
	SD_BUS_PROPERTY("MemmapActualBytes", "t", NULL,
			MGR(memmap_actual_bytes), CHANGES),
	SD_BUS_PROPERTY("MemmapSavedBytes", "t", NULL, MGR(memmap_saved_bytes),
			CHANGES),
	SD_BUS_PROPERTY("MemmapPagetableBytes", "t", NULL,
			MGR(memmap_pagetable_bytes), CHANGES),
	SD_BUS_PROPERTY("MemmapRamBytes", "t", NULL, MGR(memmap_ram_bytes),
			CHANGES),
	SD_BUS_PROPERTY("MemmapDeviceBytes", "t", NULL, MGR(memmap_device_bytes),
			CHANGES),

	SD_BUS_METHOD_WITH_ARGS("GetStatus",
				SD_BUS_ARGS("a{sv}", options),
				SD_BUS_RESULT("s", json),
				method_get_status,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("Plan",
				SD_BUS_ARGS("t", size, "t", align, "s", map,
					    "a{sv}", options),
				SD_BUS_RESULT("s", json),
				method_plan,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("CreateNamespace",
				SD_BUS_ARGS("a{sv}", options),
				SD_BUS_RESULT("o", namespace, "s", plan),
				method_create_namespace,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("DestroyNamespace",
				SD_BUS_ARGS("s", namespace, "a{sv}", options),
				SD_BUS_RESULT("s", destroyed),
				method_destroy_namespace,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("ReconfigureDevice",
				SD_BUS_ARGS("s", device, "a{sv}", options),
				SD_BUS_NO_RESULT,
				method_reconfigure_device,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("CreateDevice",
				SD_BUS_ARGS("a{sv}", options),
				SD_BUS_RESULT("s", device),
				method_create_device,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("DestroyDevice",
				SD_BUS_ARGS("s", device, "a{sv}", options),
				SD_BUS_RESULT("s", destroyed),
				method_destroy_device,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("ReconfigureNamespace",
				SD_BUS_ARGS("s", namespace, "a{sv}", options),
				SD_BUS_RESULT("s", namespace),
				method_reconfigure_namespace,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("VerifyDevice",
				SD_BUS_ARGS("s", device, "a{sv}", options),
				SD_BUS_RESULT("s", result),
				method_verify_device,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("Apply",
				SD_BUS_ARGS("a{sv}", options),
				SD_BUS_RESULT("s", report),
				method_apply,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("Reload",
				SD_BUS_ARGS("a{sv}", options),
				SD_BUS_NO_RESULT,
				method_reload,
				SD_BUS_VTABLE_UNPRIVILEGED),

	SD_BUS_VTABLE_END
};

int manager_register(struct context *c)
{
	int r;

	r = sd_bus_add_object_vtable(c->bus, NULL, DAXMAP_MANAGER_PATH,
				     DAXMAP_MANAGER_INTERFACE, manager_vtable,
				     c);
	if (r < 0)
		return r;
	r = sd_bus_add_object_manager(c->bus, NULL, DAXMAP_MANAGER_PATH);
	if (r < 0)
		return r;
	return objects_register(c->bus, &c->objects);
}
