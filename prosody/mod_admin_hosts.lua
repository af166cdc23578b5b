-- mod_admin_hosts: what prosodyctl shell's host:list(), module:list(host), module:load(name, host)
-- and module:unload(name, host) reach, over XMPP. mod_admin_adhoc's module commands act only on
-- the host they are sent to (and it is not loaded on components), and no stock command lists the
-- server's VirtualHosts. Ad-hoc commands at the host JID where this module is loaded:
--
--   xmgr:hosts#list      → hosts: one "<host> <type>" a line (type: "local" for a VirtualHost,
--                          else the component's module, e.g. "muc", or "component")
--   xmgr:modules#list    host ("*": the global modules) → modules
--   xmgr:modules#load    host, module → info/error notes worded as mod_admin_adhoc's modules#load
--   xmgr:modules#unload  host, modules → info note worded as mod_admin_adhoc's modules#unload
--   xmgr:modules#reload  host, modules → the same for modules#reload
--
-- They reach every host of the server, so they need prosody:operator by default (permissions
-- "adhoc:<node>", as mod_admin_adhoc's global commands).

local modulemanager = require "prosody.core.modulemanager";
local dataforms_new = require "prosody.util.dataforms".new;
local jid_bare = require "prosody.util.jid".bare;

module:depends("adhoc");
local adhoc_new = module:require "adhoc".new;

local function error_result(message)
	return { status = "completed", error = { message = message } };
end

local function form_errors(err)
	local messages = {};
	for field, text in pairs(err) do messages[#messages + 1] = field .. ": " .. text; end
	table.sort(messages);
	return table.concat(messages, "\n");
end

local function sorted_keys(t)
	local names = {};
	for name in pairs(t or {}) do names[#names + 1] = name; end
	table.sort(names);
	return names;
end

-- A host field's value, checked: a host of this server, or "*".
local function known_host(name)
	if name == "*" or prosody.hosts[name] then return name; end
	return nil, "No such host: " .. tostring(name);
end

-- A command: its layout and a function(fields, data) returning the reply.
local function simple_command(title, node, fields_spec, result_fields, run)
	local layout_spec = { title = title };
	for _, field in ipairs(fields_spec) do layout_spec[#layout_spec + 1] = field; end
	local layout = dataforms_new(layout_spec);
	local result_layout = result_fields and dataforms_new(result_fields);
	local function handler(_, data, state)
		if #fields_spec > 0 and not (state or data.form) then
			return { status = "executing", actions = { "complete" }, form = layout }, "executing";
		end
		if data.action == "cancel" then return { status = "canceled" }; end
		local fields = {};
		if #fields_spec > 0 then
			local err;
			fields, err = layout:data(data.form);
			if err then return error_result(form_errors(err)); end
		end
		return run(fields, data, result_layout);
	end
	return adhoc_new(title, node, handler, "global_admin");
end

local host_field = { name = "host", type = "text-single", required = true, label = "Host (* for the global modules)" };

module:provides("adhoc", simple_command("List hosts", "xmgr:hosts#list", {},
	{ { name = "hosts", type = "text-multi", label = "The hosts and their types" } },
	function(_, _, result_layout)
		local lines = {};
		for _, host in ipairs(sorted_keys(prosody.hosts)) do
			local host_type = prosody.hosts[host].type;
			if host_type ~= "local" then
				host_type = module:context(host):get_option_string("component_module", host_type);
			end
			lines[#lines + 1] = host .. " " .. host_type;
		end
		return { status = "completed", result = { layout = result_layout, values = { hosts = table.concat(lines, "\n") } } };
	end));

module:provides("adhoc", simple_command("List modules of a host", "xmgr:modules#list", { host_field },
	{ { name = "host", type = "text-single", label = "Host" }, { name = "modules", type = "text-multi", label = "The loaded modules" } },
	function(fields, _, result_layout)
		local host, err = known_host(fields.host);
		if not host then return error_result(err); end
		local modules = sorted_keys(modulemanager.get_modules(host));
		return { status = "completed", result = { layout = result_layout, values = { host = host, modules = table.concat(modules, "\n") } } };
	end));

module:provides("adhoc", simple_command("Load a module on a host", "xmgr:modules#load",
	{ host_field, { name = "module", type = "text-single", required = true, label = "Module to be loaded" } }, nil,
	function(fields, data)
		local host, err = known_host(fields.host);
		if not host then return error_result(err); end
		if modulemanager.is_loaded(host, fields.module) then
			return { status = "completed", info = "Module already loaded" };
		end
		local ok, load_err = modulemanager.load(host, fields.module);
		module:log("info", "mod_%s loaded on %s by %s", fields.module, host, jid_bare(data.from) or "?");
		if ok then
			return { status = "completed", info = 'Module "' .. fields.module .. '" successfully loaded on host "' .. host .. '".' };
		end
		return error_result('Failed to load module "' .. fields.module .. '" on host "' .. host
			.. '". Error was: "' .. tostring(load_err or "<unspecified>") .. '"');
	end));

-- Unloads or reloads each module on a host; the note is worded as mod_admin_adhoc's modules#unload / #reload.
local function change_modules(action, past, change)
	return function(fields, data)
		local host, err = known_host(fields.host);
		if not host then return error_result(err); end
		local ok_list, err_list = {}, {};
		for name in tostring(fields.modules):gmatch("[^\n]+") do
			local ok, change_err = change(host, name);
			if ok then
				ok_list[#ok_list + 1] = name;
			else
				err_list[#err_list + 1] = name .. "(Error: " .. tostring(change_err) .. ")";
			end
			module:log("info", "mod_%s %s on %s by %s", name, past, host, jid_bare(data.from) or "?");
		end
		local info = (#ok_list > 0 and ("The following modules were successfully " .. past .. " on host " .. host .. ":\n"
			.. table.concat(ok_list, "\n")) or "")
			.. ((#ok_list > 0 and #err_list > 0) and "\n" or "")
			.. (#err_list > 0 and ("Failed to " .. action .. " the following modules on host " .. host .. ":\n"
			.. table.concat(err_list, "\n")) or "");
		return { status = "completed", info = info };
	end;
end

local function modules_field(label) return { name = "modules", type = "text-multi", required = true, label = label }; end

module:provides("adhoc", simple_command("Unload modules on a host", "xmgr:modules#unload",
	{ host_field, modules_field("Modules to be unloaded") }, nil, change_modules("unload", "unloaded", modulemanager.unload)));

module:provides("adhoc", simple_command("Reload modules on a host", "xmgr:modules#reload",
	{ host_field, modules_field("Modules to be reloaded") }, nil, change_modules("reload", "reloaded", function(host, name)
		-- modulemanager.reload of a module that is not loaded says nothing; say it as unload does.
		if not modulemanager.is_loaded(host, name) then return nil, "module-not-loaded"; end
		return modulemanager.reload(host, name);
	end)));
