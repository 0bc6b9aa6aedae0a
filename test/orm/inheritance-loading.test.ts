/**
 * Loading strategies through joined-table inheritance, on every database: relationships whose
 * target is a joined-table subtype (many-to-one, one-to-many restricted by the discriminator),
 * polymorphic collections (one-to-many and many-to-many to the base, each row its own subtype),
 * relationships of the base loaded while querying polymorphically or through a subtype, and
 * relationships declared on a subtype. Each with joined, json, selectin and subquery (and lazy
 * `S.load`), asserting the exact values, their subtype and their subtype's columns, and the
 * number of statements.
 */
import { pipe } from 'fp-ts/lib/function.js'
import { expect, it } from 'vitest'
import { asc, eq, integer, limit, offset, orderBy, table, text, varchar, where } from '../../src/algebra/index.js'
import { belongsTo, entity, hasMany, manyToMany, relations } from '../../src/mapping/Entity.js'
import { isA, subEntity } from '../../src/mapping/inheritance.js'
import { load } from '../../src/mapping/loadOptions.js'
import * as S from '../../src/mapping/session.js'
import { describeEachDatabase } from '../support/databases.js'
import { ok, ormSuite, strategies } from './support.js'

const departments = table('il_departments', { id: integer().primaryKey(), name: varchar(50).notNull() })
const staff = table('il_staff', {
  id: integer().primaryKey(),
  kind: varchar(20).notNull(),
  name: varchar(50).notNull(),
  deptId: integer().named('dept_id').references(() => departments.c.id),
})
const engineers = table('il_engineers', {
  id: integer().primaryKey().references(() => staff.c.id, { onDelete: 'CASCADE' }),
  language: varchar(30),
  /** A foreign key held by the subtable, back into the hierarchy. */
  mentorId: integer().named('mentor_id').references(() => staff.c.id),
})
const managers = table('il_managers', {
  id: integer().primaryKey().references(() => staff.c.id, { onDelete: 'CASCADE' }),
  budget: integer().notNull(),
})
const projects = table('il_projects', {
  id: integer().primaryKey(),
  name: varchar(50).notNull(),
  leadId: integer().named('lead_id').references(() => engineers.c.id),
})
const memberships = table(
  'il_memberships',
  {
    projectId: integer().named('project_id').notNull().references(() => projects.c.id, { onDelete: 'CASCADE' }),
    staffId: integer().named('staff_id').notNull().references(() => staff.c.id, { onDelete: 'CASCADE' }),
  },
  (c) => ({ primaryKey: [c.projectId, c.staffId] }),
)
const allTables = [departments, staff, engineers, managers, projects, memberships]

const DepartmentB = entity(departments)
const ProjectB = entity(projects)
const StaffB = entity(staff, { polymorphicOn: 'kind', identity: 'staff' })
const Engineer = subEntity(StaffB, { identity: 'engineer', table: engineers })
const Manager = subEntity(StaffB, { identity: 'manager', table: managers })
const Intern = subEntity(StaffB, { identity: 'intern' })
/** Relationships of the base: registered on every subtype too. */
const Staff = relations(StaffB, { department: belongsTo(DepartmentB, { backPopulates: 'staff' }) })
const Department = relations(DepartmentB, {
  staff: hasMany(StaffB, { backPopulates: 'department', orderBy: [asc(staff.c.name)] }),
  engineers: hasMany(Engineer, { foreignKey: () => staff.c.deptId, orderBy: [asc(staff.c.name)] }),
})
/** Relationships declared on a subtype only; `mentor`'s foreign key is in the subtable and its target the polymorphic base. */
const EngineerR = relations(Engineer, {
  projects: hasMany(ProjectB, { backPopulates: 'lead', orderBy: [asc(projects.c.name)] }),
  mentor: belongsTo(StaffB, { foreignKey: () => engineers.c.mentorId }),
})
const Project = relations(ProjectB, {
  lead: belongsTo(Engineer, { backPopulates: 'projects' }),
  members: manyToMany(StaffB, { through: memberships, orderBy: [asc(staff.c.name)] }),
})

type Value = { readonly [k: string]: unknown }

/** A value as [name, subtype, the subtype's own columns]: shows that it came back as the right subtype, whole. */
const who = (v: Value | null | undefined): unknown => {
  if (v === null || v === undefined) return null
  if (isA(Engineer)(v)) return [v['name'], 'Engineer', { language: v['language'] }]
  if (isA(Manager)(v)) return [v['name'], 'Manager', { budget: v['budget'] }]
  if (isA(Intern)(v)) return [v['name'], 'Intern', {}]
  return [v['name'], 'Staff', {}]
}

describeEachDatabase('ORM loading through joined-table inheritance', (db) => {
  const { engine, run, counted } = ormSuite(db, {
    tables: allTables,
    reset: ['il_memberships', 'il_projects', 'il_engineers', 'il_managers', 'il_staff', 'il_departments'].map((t) => `DELETE FROM ${t}`),
    seed: () => seed(),
  })

  /**
   * R&D: Ada (engineer, ts), Bob (manager, 1000), Cy (intern); Ops: Dee (plain staff), Eve
   * (engineer, rust); Empty: nobody; Fay (engineer, no language) in no department. Mentors:
   * Ada's is Bob, Eve's is Ada.
   * Projects: apollo (lead Ada; members Ada, Bob, Cy), borealis (lead Ada), orphan (no lead),
   * zephyr (lead Eve; member Dee).
   */
  const seed = () =>
    run(
      pipe(
        S.addAll([
          ok(
            Department.make({
              name: 'R&D',
              staff: [ok(Engineer.make({ kind: 'engineer', name: 'Ada', language: 'ts' })), ok(Manager.make({ kind: 'manager', name: 'Bob', budget: 1000 })), ok(Intern.make({ kind: 'intern', name: 'Cy' }))],
            }),
          ),
          ok(Department.make({ name: 'Ops', staff: [ok(StaffB.make({ kind: 'staff', name: 'Dee' })), ok(Engineer.make({ kind: 'engineer', name: 'Eve', language: 'rust' }))] })),
          ok(Department.make({ name: 'Empty' })),
          ok(Engineer.make({ kind: 'engineer', name: 'Fay' })),
        ]),
        S.chain(() => S.flush),
        S.chain(() => S.all(Staff)),
        S.chain((people) => {
          const by = (name: string) => people.find((p) => p.name === name)!
          const engineer = (name: string) => {
            const v = by(name)
            if (!isA(Engineer)(v)) throw new Error(`${name} is not an Engineer`)
            return v
          }
          return pipe(
            S.update(engineer('Ada'), { mentorId: by('Bob').id }),
            S.chain(() => S.update(engineer('Eve'), { mentorId: by('Ada').id })),
            S.chain(() =>
              S.addAll([
                ok(Project.make({ name: 'apollo', lead: by('Ada'), members: [by('Ada'), by('Bob'), by('Cy')] })),
                ok(Project.make({ name: 'borealis', lead: by('Ada') })),
                ok(Project.make({ name: 'orphan' })),
                ok(Project.make({ name: 'zephyr', lead: by('Eve'), members: [by('Dee')] })),
              ]),
            ),
          )
        }),
      ),
    )

  it('the seed is in the tables: subtype rows in their subtables, association rows', async () => {
    const n = async (sql: string) => ok(await engine.execute(text(sql))()).map((r) => Number((r as { n: unknown }).n))[0]
    expect(await n('SELECT COUNT(*) AS n FROM il_staff')).toBe(6)
    expect(await n('SELECT COUNT(*) AS n FROM il_engineers')).toBe(3)
    expect(await n('SELECT COUNT(*) AS n FROM il_engineers WHERE mentor_id IS NOT NULL')).toBe(2)
    expect(await n('SELECT COUNT(*) AS n FROM il_managers')).toBe(1)
    expect(await n('SELECT COUNT(*) AS n FROM il_memberships')).toBe(4)
    expect(await n("SELECT COUNT(*) AS n FROM il_projects p JOIN il_staff s ON s.id = p.lead_id WHERE s.name = 'Ada'")).toBe(2)
  })

  it('many-to-one whose target is a joined-table subtype: the lead comes back an Engineer with its language', async () => {
    for (const [name, how, n] of strategies) {
      const [ps, sql] = await counted(S.all(Project, orderBy(asc(projects.c.name)), load(how(Project.lead))))
      expect([name, sql.length]).toEqual([name, n])
      expect([name, ps.map((p) => [p.name, who(p.lead)])]).toEqual([
        name,
        [
          ['apollo', ['Ada', 'Engineer', { language: 'ts' }]],
          ['borealis', ['Ada', 'Engineer', { language: 'ts' }]],
          ['orphan', null],
          ['zephyr', ['Eve', 'Engineer', { language: 'rust' }]],
        ],
      ])
    }
  })

  it('one-to-many whose target is a joined-table subtype: only that subtype, with its columns', async () => {
    for (const [name, how, n] of strategies) {
      const [ds, sql] = await counted(S.all(Department, orderBy(asc(departments.c.name)), load(how(Department.engineers))))
      expect([name, sql.length]).toEqual([name, n])
      expect([name, ds.map((d) => [d.name, d.engineers.map(who)])]).toEqual([
        name,
        [
          ['Empty', []],
          ['Ops', [['Eve', 'Engineer', { language: 'rust' }]]],
          ['R&D', [['Ada', 'Engineer', { language: 'ts' }]]],
        ],
      ])
    }
  })

  it('a polymorphic one-to-many: each child comes back as its own subtype with its own columns', async () => {
    for (const [name, how, n] of strategies) {
      const [ds, sql] = await counted(S.all(Department, orderBy(asc(departments.c.name)), load(how(Department.staff))))
      expect([name, sql.length]).toEqual([name, n])
      expect([name, ds.map((d) => [d.name, d.staff.map(who)])]).toEqual([
        name,
        [
          ['Empty', []],
          ['Ops', [['Dee', 'Staff', {}], ['Eve', 'Engineer', { language: 'rust' }]]],
          ['R&D', [['Ada', 'Engineer', { language: 'ts' }], ['Bob', 'Manager', { budget: 1000 }], ['Cy', 'Intern', {}]]],
        ],
      ])
      // a value has its own subtype's columns and no other's
      const rnd = ds[2].staff
      expect([name, rnd.map((s) => Object.keys(s).sort())]).toEqual([
        name,
        [
          ['deptId', 'id', 'kind', 'language', 'mentorId', 'name'],
          ['budget', 'deptId', 'id', 'kind', 'name'],
          ['deptId', 'id', 'kind', 'name'],
        ],
      ])
    }
  })

  it('a polymorphic many-to-many (through a secondary): each member its own subtype', async () => {
    for (const [name, how, n] of strategies) {
      const [ps, sql] = await counted(S.all(Project, orderBy(asc(projects.c.name)), load(how(Project.members))))
      expect([name, sql.length]).toEqual([name, n])
      expect([name, ps.map((p) => [p.name, p.members.map(who)])]).toEqual([
        name,
        [
          ['apollo', [['Ada', 'Engineer', { language: 'ts' }], ['Bob', 'Manager', { budget: 1000 }], ['Cy', 'Intern', {}]]],
          ['borealis', []],
          ['orphan', []],
          ['zephyr', [['Dee', 'Staff', {}]]],
        ],
      ])
    }
  })

  it("a relationship of the base loaded while querying polymorphically, and while querying a subtype", async () => {
    for (const [name, how, n] of strategies) {
      const [all, sql] = await counted(S.all(Staff, orderBy(asc(staff.c.name)), load(how(Staff.department))))
      expect([name, sql.length]).toEqual([name, n])
      expect([name, all.map((s) => [who(s), s.department?.name ?? null])]).toEqual([
        name,
        [
          [['Ada', 'Engineer', { language: 'ts' }], 'R&D'],
          [['Bob', 'Manager', { budget: 1000 }], 'R&D'],
          [['Cy', 'Intern', {}], 'R&D'],
          [['Dee', 'Staff', {}], 'Ops'],
          [['Eve', 'Engineer', { language: 'rust' }], 'Ops'],
          [['Fay', 'Engineer', { language: null }], null],
        ],
      ])
      const [engs, eSql] = await counted(S.all(Engineer, orderBy(asc(staff.c.name)), load(how(Staff.department))))
      expect([name, eSql.length]).toEqual([name, n])
      expect([name, engs.map((e) => [e.name, e.language, e.department?.name ?? null])]).toEqual([
        name,
        [
          ['Ada', 'ts', 'R&D'],
          ['Eve', 'rust', 'Ops'],
          ['Fay', null, null],
        ],
      ])
    }
  })

  it('a relationship declared on a subtype, loaded from the subtype and nested under a subtype-target collection', async () => {
    for (const [name, how, n] of strategies) {
      const [engs, sql] = await counted(S.all(EngineerR, orderBy(asc(staff.c.name)), load(how(EngineerR.projects))))
      expect([name, sql.length]).toEqual([name, n])
      expect([name, engs.map((e) => [e.name, e.language, e.projects.map((p) => p.name)])]).toEqual([
        name,
        [
          ['Ada', 'ts', ['apollo', 'borealis']],
          ['Eve', 'rust', ['zephyr']],
          ['Fay', null, []],
        ],
      ])
      const [ds, dSql] = await counted(S.all(Department, orderBy(asc(departments.c.name)), load(how(Department.engineers, how(EngineerR.projects)))))
      expect([name, dSql.length]).toEqual([name, n === 1 ? 1 : 3])
      expect([name, ds.map((d) => [d.name, d.engineers.map((e) => [e.name, e.language, e.projects.map((p) => p.name)])])]).toEqual([
        name,
        [
          ['Empty', []],
          ['Ops', [['Eve', 'rust', ['zephyr']]]],
          ['R&D', [['Ada', 'ts', ['apollo', 'borealis']]]],
        ],
      ])
    }
  })

  it('back through the hierarchy: project -> lead (subtype) -> department (a relationship of the base)', async () => {
    // An option on a base's relationship nests under a subtype target (an option about Staff applies to an Engineer).
    for (const [name, how, n] of strategies) {
      const [ps, sql] = await counted(S.all(Project, orderBy(asc(projects.c.name)), load(how(Project.lead, how(Staff.department)))))
      expect([name, sql.length]).toEqual([name, n === 1 ? 1 : 3])
      expect([name, ps.map((p) => [p.name, p.lead?.language ?? null, p.lead?.department?.name ?? null])]).toEqual([
        name,
        [
          ['apollo', 'ts', 'R&D'],
          ['borealis', 'ts', 'R&D'],
          ['orphan', null, null],
          ['zephyr', 'rust', 'Ops'],
        ],
      ])
    }
  })

  it('a subtype\'s many-to-one held by its subtable, to the polymorphic base (self-referential through the hierarchy)', async () => {
    for (const [name, how, n] of strategies) {
      const [engs, sql] = await counted(S.all(EngineerR, orderBy(asc(staff.c.name)), load(how(EngineerR.mentor))))
      expect([name, sql.length]).toEqual([name, n])
      expect([name, engs.map((e) => [e.name, who(e.mentor)])]).toEqual([
        name,
        [
          ['Ada', ['Bob', 'Manager', { budget: 1000 }]],
          ['Eve', ['Ada', 'Engineer', { language: 'ts' }]],
          ['Fay', null],
        ],
      ])
    }
  })

  it('LIMIT/OFFSET count polymorphic parents, not joined rows', async () => {
    for (const [name, how, n] of strategies) {
      const [ds, sql] = await counted(S.all(Department, orderBy(asc(departments.c.name)), limit(1), offset(2), load(how(Department.staff))))
      expect([name, sql.length]).toEqual([name, n])
      expect([name, ds.map((d) => [d.name, d.staff.map(who)])]).toEqual([name, [['R&D', [['Ada', 'Engineer', { language: 'ts' }], ['Bob', 'Manager', { budget: 1000 }], ['Cy', 'Intern', {}]]]]])
      const [page, pSql] = await counted(S.all(Staff, orderBy(asc(staff.c.name)), limit(3), offset(1), load(how(Staff.department))))
      expect([name, pSql.length]).toEqual([name, n])
      expect([name, page.map((s) => [who(s), s.department?.name ?? null])]).toEqual([
        name,
        [
          [['Bob', 'Manager', { budget: 1000 }], 'R&D'],
          [['Cy', 'Intern', {}], 'R&D'],
          [['Dee', 'Staff', {}], 'Ops'],
        ],
      ])
    }
  })

  it('lazy S.load of the same relationships: one SELECT each, values of the right subtype', async () => {
    const [loaded, sql] = await counted(
      pipe(
        S.one(Department, where(eq(departments.c.name, 'R&D'))),
        S.chain((d) => S.load(d, Department.staff)),
        S.chain((d) => pipe(S.one(Project, where(eq(projects.c.name, 'zephyr'))), S.chain((p) => S.load(p, Project.lead)), S.map((p) => [d, p] as const))),
      ),
    )
    expect(sql).toHaveLength(4)
    const [d, p] = loaded
    expect(d.staff.map(who)).toEqual([['Ada', 'Engineer', { language: 'ts' }], ['Bob', 'Manager', { budget: 1000 }], ['Cy', 'Intern', {}]])
    expect(who(p.lead)).toEqual(['Eve', 'Engineer', { language: 'rust' }])
  })
})
