/** What the signed-in user may do in the administration screens, from their system
 * permissions (the API checks again; this only decides what is offered). */

import type { Me } from "../api/types";

export interface AdminRights {
  /** Create, edit, move and deactivate users; change departments. */
  manageUsers: boolean;
  /** Change roles and role assignments. */
  manageRoles: boolean;
  /** See the users whole (manage_users or view_audit). */
  readUsers: boolean;
  /** See roles' documents and the assignments (manage_roles or view_audit). */
  readRoles: boolean;
}

export function adminRights(me: Pick<Me, "permissions">): AdminRights {
  const has = (p: string) => me.permissions.includes(p);
  return {
    manageUsers: has("manage_users"),
    manageRoles: has("manage_roles"),
    readUsers: has("manage_users") || has("view_audit"),
    readRoles: has("manage_roles") || has("view_audit"),
  };
}
