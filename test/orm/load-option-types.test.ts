/**
 * Type-level tests of load options through an inheritance hierarchy (checked by `npm run
 * typecheck`): a nested option may be about the target entity or any of its ancestors (the
 * relationships of a base are the subtype's too), and the result type gains what it loads; an
 * option about an unrelated entity, a sibling subtype, or a subtype of the target does not compile.
 */
import { expect, it } from 'vitest'
import { integer, table, varchar } from '../../src/algebra/index.js'
import { belongsTo, entity, hasMany, relations } from '../../src/mapping/Entity.js'
import { subEntity } from '../../src/mapping/inheritance.js'
import { containsEager, joined, json, load, selectin, subquery, type AnyLoadOption, type LoadOption } from '../../src/mapping/loadOptions.js'
import * as S from '../../src/mapping/session.js'

const departments = table('lt_departments', { id: integer().primaryKey(), name: varchar(50).notNull() })
const staff = table('lt_staff', {
  id: integer().primaryKey(),
  kind: varchar(20).notNull(),
  name: varchar(50).notNull(),
  deptId: integer().named('dept_id').references(() => departments.c.id),
})
const engineers = table('lt_engineers', { id: integer().primaryKey().references(() => staff.c.id), language: varchar(30) })
const seniors = table('lt_seniors', { id: integer().primaryKey().references(() => engineers.c.id), level: integer().notNull() })
const managers = table('lt_managers', { id: integer().primaryKey().references(() => staff.c.id), budget: integer() })
const projects = table('lt_projects', { id: integer().primaryKey(), name: varchar(50).notNull(), leadId: integer().named('lead_id').references(() => engineers.c.id) })
const reports = table('lt_reports', { id: integer().primaryKey(), managerId: integer().named('manager_id').notNull().references(() => managers.c.id) })

const DepartmentB = entity(departments)
const ProjectB = entity(projects)
const ReportB = entity(reports)
const StaffB = entity(staff, { polymorphicOn: 'kind', identity: 'staff' })
const Engineer = subEntity(StaffB, { identity: 'engineer', table: engineers })
const Senior = subEntity(Engineer, { identity: 'senior', table: seniors })
const Manager = subEntity(StaffB, { identity: 'manager', table: managers })

const Staff = relations(StaffB, { department: belongsTo(DepartmentB) })
const Department = relations(DepartmentB, { staff: hasMany(StaffB) })
const EngineerR = relations(Engineer, { projects: hasMany(ProjectB) })
const ManagerR = relations(Manager, { reports: hasMany(ReportB) })
const Project = relations(ProjectB, { lead: belongsTo(Engineer), senior: belongsTo(Senior, { foreignKey: () => projects.c.leadId }) })

type Value<P> = P extends S.Session<ReadonlyArray<infer A>> ? A : never

export const typeChecks = (): void => {
  // the target's parent's relationship, with every strategy
  joined(Project.lead, joined(Staff.department)) satisfies LoadOption<typeof ProjectB, unknown>
  selectin(Project.lead, json(Staff.department))
  subquery(Project.lead, selectin(Staff.department), selectin(EngineerR.projects))
  containsEager(Project.lead, {}, joined(Staff.department))
  // a grandparent's (Senior < Engineer < Staff), and the middle one's
  json(Project.senior, json(Staff.department), selectin(EngineerR.projects))

  const q = S.all(Project, load(joined(Project.lead, joined(Staff.department), selectin(EngineerR.projects))))
  const p = null as unknown as Value<typeof q>
  p.lead?.language satisfies string | null | undefined
  p.lead?.department?.name satisfies string | undefined
  p.lead?.projects[0].name satisfies string | undefined
  // @ts-expect-error a project's own relationships are not loaded on its lead
  void p.lead?.lead

  // options of every kind are still AnyLoadOptions
  const any: ReadonlyArray<AnyLoadOption> = [joined(Project.lead, joined(Staff.department)), selectin(Department.staff), json(ManagerR.reports)]
  void any

  // @ts-expect-error an unrelated entity's relationship (Department is no ancestor of Engineer)
  joined(Project.lead, joined(Department.staff))
  // @ts-expect-error a sibling subtype's relationship (a Manager's reports on an Engineer)
  joined(Project.lead, selectin(ManagerR.reports))
  // @ts-expect-error a subtype's relationship under its base (not every Staff is an Engineer)
  selectin(Department.staff, selectin(EngineerR.projects))
  // @ts-expect-error one wrong option among right ones (a Manager's reports on any Staff)
  selectin(Department.staff, json(Staff.department), selectin(ManagerR.reports))
}

it('type-level checks compile (see typeChecks)', () => {
  expect(typeof typeChecks).toBe('function')
})
