// The authorization matrix: what every route declares (from `kaifangd
// --print-routes`), how its path parameters are filled for the "own" and
// the "foreign" column, and what each role must get. Pure: the requests are
// made by tests/api/190-authz-matrix.test.mjs.
import { runDaemon } from './server.mjs';

/** Every route of the route tables, as the server prints them. */
export function printRoutes() {
	const r = runDaemon(['--print-routes']);
	if (r.status !== 0) throw new Error(`kaifangd --print-routes failed: ${r.stderr}`);
	return JSON.parse(r.stdout);
}

/** The roles of the matrix, in the order of the printed table. */
export const ROLES = ['anonymous', 'account', 'member', 'owner', 'hostOwner', 'reviewer', 'auditor', 'admin'];
export const STAFF = new Set(['reviewer', 'auditor', 'admin']);

/**
 * Which fixture fills a path parameter: [pattern prefix, parameter name,
 * kind]. The first row whose prefix matches the route's pattern and whose
 * name is the parameter's wins. A route with a parameter no row fills
 * fails the matrix test with its name: add a row here (and a kind in the
 * test's fixtures when none fits) with the route.
 *
 * Kinds that are a tenant (provider, app, host) decide the route's tenant:
 * a person who belongs to it is "own", anyone else is refused. Kinds marked
 * absent name a sub-resource the fixtures do not create (an event, a
 * submission): for those the own tenant may answer 404.
 */
export const PARAMS = [
	['/v1/providers/{id}/members/{user_id}', 'user_id', 'member_user'],
	['/console/orgs/{id}/members/{user_id}', 'user_id', 'member_user'],
	['/console/orgs/{id}/files/{file_id}', 'file_id', 'org_file'],
	['/v1/providers/{id}', 'id', 'provider'],
	['/console/orgs/{id}', 'id', 'provider'],
	['/console/ops/providers/{id}', 'id', 'provider'],
	['/v1/apps/{id}', 'id', 'app'],
	['/console/apps/{id}', 'id', 'app'],
	['/console/ops/apps/{id}', 'id', 'app'],
	['/v1/host-accounts/{id}/authorizations/{app_id}', 'app_id', 'host_app'],
	['/console/hosts/{id}/apps/{app_id}', 'app_id', 'host_app'],
	['/v1/host-accounts/{id}', 'id', 'host'],
	['/console/hosts/{id}', 'id', 'host'],
	['/v1/files/{id}', 'id', 'file'],
	['/console/files/{id}', 'id', 'file'],
	['/v1/staff/providers/{id}', 'id', 'provider'],
	['/v1/staff/apps/{id}', 'id', 'app'],
	['/v1/inbox/{id}', 'id', 'inbox'],
	['/v1/sessions/{id}', 'id', 'session'],
	['/v1/me/api-tokens/{id}', 'id', 'api_token'],
	['/v1/reviews/{id}', 'id', 'review'],
	['/console/reviews/{id}', 'id', 'review'],
	['/v1/agreements/{key}', 'key', 'agreement'],
	['/v1/term-lists/{list}', 'list', 'term_list'],
	['/console/ops/term-lists/{list}', 'list', 'term_list'],
	['/console/rules/{id}', 'id', 'rule'],
	['/v1/directory/{app_id}', 'app_id', 'public_app'],
	['/v1/market/apps/{app_id}/previews/{n}', 'n', 'absent'],
	['/v1/market/apps/{app_id}', 'app_id', 'public_app'],
	['/apps/{app_id}', 'app_id', 'public_app'],
	['/categories/{id}', 'id', 'category'],
	['/v1/apps/{id}/deliveries/{event}', 'event', 'absent'],
	['/console/apps/{id}/deliveries/{event}', 'event', 'absent'],
	['/v1/apps/{id}/submissions/{submission}', 'submission', 'absent'],
	['/v1/apps/{id}/qualifications/{doc}', 'doc', 'absent'],
	['/console/apps/{id}/files/{file}', 'file', 'absent'],
	// staff objects: an operator of its own (never one the matrix signs in
	// with, so disabling it changes no other cell), the first category,
	// permission set 1, the agreement "terms"
	['/v1/operators/{id}', 'id', 'operator'],
	['/v1/staff/{user_id}/notices', 'user_id', 'operator'],
	['/console/ops/operators/{id}', 'id', 'operator'],
	['/v1/categories/{id}', 'id', 'category'],
	['/console/ops/categories/{id}', 'id', 'category'],
	['/v1/permission-sets/{id}', 'id', 'permission_set'],
	['/console/ops/permission-sets/{id}', 'id', 'permission_set'],
	['/console/ops/agreements/{key}', 'key', 'agreement'],
	// withdrawing an announcement: one that does not exist (only the level is judged)
	['/v1/announcements/{id}', 'id', 'absent'],
	['/console/ops/announcements/{id}', 'id', 'absent'],
	// a measure (governance): one that does not exist (only the level is judged)
	['/v1/measures/{id}', 'id', 'absent'],
	['/console/ops/measures/{id}', 'id', 'absent'],
	['/v1/objections/{id}', 'id', 'absent'],
	['/console/ops/objections/{id}', 'id', 'absent'],
	// a campaign (GOV-8): one that does not exist (only the level is judged)
	['/v1/campaigns/{id}', 'id', 'absent'],
	['/console/ops/campaigns/{id}', 'id', 'absent'],
	['/console/apps/{id}/campaigns/{cid}', 'cid', 'absent'],
];

/** The tenant kinds and who belongs to each (the "own" column's people). */
export const TENANTS = {
	provider: new Set(['owner', 'member']),
	app: new Set(['owner', 'member']),
	host: new Set(['hostOwner']),
	file: new Set(['owner']), // a file is read only by its uploader (and operator staff)
	org_file: new Set(['owner']),
	inbox: new Set(['owner']),
	session: 'self',
	api_token: 'self',
};

/**
 * Routes under a provider or app only its owner may use (docs/api.md "All
 * routes": changing the profile or the members, applying, certification,
 * cancellation, ICP filings, deleting an app, rotating its secret): a
 * member gets 403 owner_required there.
 */
export const OWNER_ONLY = new Set([
	'PATCH /v1/providers/{id}',
	'POST /v1/providers/{id}/members',
	'DELETE /v1/providers/{id}/members/{user_id}',
	'POST /v1/providers/{id}/application',
	'POST /v1/providers/{id}/certification',
	'POST /v1/providers/{id}/cancellation',
	'POST /v1/providers/{id}/icp-filings',
	'POST /v1/providers/{id}/authenticity',
	'DELETE /v1/apps/{id}',
	'POST /v1/apps/{id}/secret:rotate',
]);

export function paramNames(pattern) {
	return [...pattern.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
}

/** [{name, kind}] for the route's parameters; kind null when no row fills it. */
export function paramKinds(pattern) {
	return paramNames(pattern).map((name) => {
		const row = PARAMS.find(([prefix, n]) => n === name && pattern.startsWith(prefix));
		return { name, kind: row ? row[2] : null };
	});
}

/** The route's tenant kind (its innermost parameter that is a tenant), or null. */
export function tenantOf(pattern) {
	const k = paramKinds(pattern).filter((p) => TENANTS[p.kind]).pop();
	return k ? k.kind : null;
}

/** Reads operator staff may make in any tenant (docs/api.md: providers,
 * apps, and files). */
const STAFF_READS = new Set(['provider', 'app', 'file', 'org_file']);

/**
 * Console forms only the owner may use (the API answers owner_required; a
 * destructive one first shows its confirmation, which does nothing).
 */
export const OWNER_ONLY_PAGES = new Set([
	'POST /console/orgs/{id}/profile',
	'POST /console/orgs/{id}/members',
	'POST /console/orgs/{id}/members/{user_id}/remove',
	'POST /console/orgs/{id}/application',
	'POST /console/orgs/{id}/certification',
	'POST /console/orgs/{id}/cancel',
	'POST /console/apps/{id}/delete',
	'POST /console/apps/{id}/credentials',
	'POST /console/apps/{id}/icp',
]);

/** Own-tenant routes that answer 404 for what the fixtures do not have:
 * a provider that never asked for the authenticity certification; a
 * submissions form posted without an action. */
export const ABSENT_OK = new Set(['GET /v1/providers/{id}/authenticity', 'POST /console/apps/{id}/submissions']);

function belongs(tenant, role) {
	const t = TENANTS[tenant];
	return t === 'self' ? role !== 'anonymous' : t.has(role);
}

const isWrite = (m) => m !== 'GET' && m !== 'HEAD';

/**
 * The verdict for one cell: null when the answer fits the route's
 * declaration, else a short reason. res: {status, location, code, text}.
 * route: as printed plus credential (the handler checks its own credential).
 */
export function judge(route, role, column, res) {
	const page = route.flags.includes('page');
	const s = res.status;
	const signedIn = role !== 'anonymous';
	const toSignin = s === 303 && /^\/console\/signin\?next=/.test(res.location || '');
	const denied = s === 401 || s === 403;
	if (s === 405 || (s === 404 && res.code === 'not_found' && /no such resource/.test(res.text)))
		return `route not served (${s})`;
	if (s >= 500) return `server error ${s}`;
	switch (route.auth) {
	case 'none':
		if (route.credential) return null; // the handler checks the app's own credential
		// a page that sends a signed-out person to sign-in is not public: declare KF_AUTH_USER
		if (toSignin) return 'declared public but sends to sign-in';
		return denied ? `public route refused (${s})` : null;
	case 'hostkey':
		return s === 401 ? null : `a person must get 401, got ${s}`;
	case 'user':
	case 'operator':
	case 'admin':
		break;
	default:
		return `unknown auth ${route.auth}`;
	}
	if (!signedIn) {
		if (page) return toSignin ? null : `signed out: expected 303 to sign-in, got ${s} ${res.location || ''}`;
		return s === 401 ? null : `signed out: expected 401, got ${s}`;
	}
	if (toSignin) return 'signed in but sent to sign-in';
	if (s === 401) return 'signed in but 401';
	const staff = STAFF.has(role);
	if (route.auth === 'admin') {
		if (role !== 'admin') return s === 403 && (page ? /Not allowed/.test(res.text) : res.code === 'admin_required') ? null : `non-admin: expected the 403${page ? ' page' : ' admin_required'}, got ${s}`;
		return s === 403 ? `admin refused (${res.code || 'page'})` : null;
	}
	if (route.auth === 'operator') {
		if (!staff) return s === 403 && (page ? /Not allowed/.test(res.text) : res.code === 'operator_required') ? null : `not staff: expected the 403${page ? ' page' : ' operator_required'}, got ${s}`;
		// a route flagged self changes only the caller's own sign-in (the
		// auditor's own second factor): staff, auditors included, may use it
		if (role === 'auditor' && isWrite(route.method) && !route.flags.includes('self'))
			return s === 403 && (page || res.code === 'auditor_read_only') ? null : `auditor write: expected 403 auditor_read_only, got ${s}`;
		return s === 403 ? `staff refused (${res.code || 'page'})` : null;
	}
	// KF_AUTH_USER: any signed-in person passes; a tenant's routes narrow it
	const tenant = tenantOf(route.path);
	// no tenant: every signed-in person passes (a staff-only route declares it)
	if (!tenant) return s === 403 ? `declared for any signed-in person but refused (${res.code || 'page'})` : null;
	const own = column === 'own' && belongs(tenant, role);
	const key = `${route.method} ${route.path}`;
	const absent = ABSENT_OK.has(key) || paramKinds(route.path).some((p) => p.kind === 'absent' || p.kind === 'host_app');
	if (own) {
		if (role === 'member' && OWNER_ONLY.has(key))
			return s === 403 && res.code === 'owner_required' ? null : `member on an owner-only route: expected 403 owner_required, got ${s}`;
		// a form's write went through when the page redirects (Post/Redirect/Get)
		if (role === 'member' && OWNER_ONLY_PAGES.has(key))
			return s === 303 ? 'member: an owner-only form went through (303)' : null;
		if (s === 403) return `own tenant refused (${res.code || 'page'})`;
		if (s === 404 && !absent) return 'own tenant answered 404';
		return null;
	}
	// operator staff may read providers, apps and files (docs/api.md), change nothing there
	if (staff && STAFF_READS.has(tenant)) {
		if (!isWrite(route.method)) return null;
		if (page) return s === 303 ? 'staff: a provider\'s form went through (303)' : null;
	}
	if (page) return s === 404 ? null : `another tenant's page: expected the 404 page, got ${s}`;
	return s === 403 || s === 404 ? null : `another tenant's ${tenant}: expected 403 or 404, got ${s}`;
}

/** The compact table for the reader: one line per route, one cell per role × column. */
export function renderTable(rows) {
	const head = ['route'.padEnd(62), ...ROLES.map((r) => r.slice(0, 9).padStart(9))].join(' ');
	const lines = [
		'Authorization matrix: HTTP status per role, "own/foreign" tenant; * marks a violation.',
		head,
	];
	for (const row of rows) {
		const cells = ROLES.map((r) => {
			const o = row.cells[`${r}/own`], f = row.cells[`${r}/foreign`];
			const c = (x) => (x ? `${x.status}${x.bad ? '*' : ''}` : '-');
			return `${c(o)}/${c(f)}`.padStart(9);
		});
		lines.push([`${row.route.method} ${row.route.path} [${row.route.auth}]`.slice(0, 62).padEnd(62), ...cells].join(' '));
	}
	return lines.join('\n') + '\n';
}
