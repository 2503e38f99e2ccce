// The INTENT.md that `init` writes when there is none. The marker line keeps phase 1's gate
// closed until a human has replaced the template with a real description.

export const TEMPLATE_MARKER = '<!-- phaserunner:template';

export function intentTemplate(projectName: string): string {
  return `${TEMPLATE_MARKER}: describe your project below, then delete this line and commit the file. -->
# ${projectName}

## Purpose

What is this project for, and who uses it? Two or three sentences.

## Goals

- What must the finished system do? One line per goal, most important first.

## Constraints

- Technologies, platforms, budgets, deadlines or rules the design must respect.

## Non-goals

- What this project deliberately does not do.
`;
}
