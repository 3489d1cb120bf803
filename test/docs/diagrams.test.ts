import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diagramPage, toMermaid } from '../../runtime/diagram';
import { MACHINES } from '../../docs/machines';

describe('docs/machines diagrams', () => {
  for (const m of MACHINES) {
    it(`${m.name}.md is generated from the machine and up to date (run \`npm run diagrams\` if this fails)`, () => {
      const committed = readFileSync(join(__dirname, '../../docs/machines', `${m.name}.md`), 'utf8');
      expect(committed).toBe(diagramPage(m.name, m.machine, m.description));
    });
  }

  it('draws every state and the named timers of a machine', () => {
    const text = toMermaid(MACHINES.find((m) => m.name === 'serverInviteTransaction')!.machine);
    for (const s of ['proceeding', 'accepted', 'completed', 'confirmed', 'terminated'])
      expect(text).toContain(s);
    expect(text).toContain('after timerH');
    expect(text).toContain('[*] --> proceeding');
  });
});
