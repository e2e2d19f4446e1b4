/** Every component of api/src/content/components.ts, by the name stewards write. */
import A3Section from './A3Section.astro';
import ApolloChart from './ApolloChart.astro';
import Callout from './Callout.astro';
import Cause from './Cause.astro';
import CorrectiveAction from './CorrectiveAction.astro';
import Discipline from './Discipline.astro';
import DocLink from './DocLink.astro';
import DrivingEvent from './DrivingEvent.astro';
import Fishbone from './Fishbone.astro';
import FiveWhys from './FiveWhys.astro';
import FixHeld from './FixHeld.astro';
import Recommendations from './Recommendations.astro';
import ReflectionPrompt from './ReflectionPrompt.astro';
import Step from './Step.astro';
import WhatWeLearned from './WhatWeLearned.astro';
import Why from './Why.astro';

export const mdxComponents = {
  DrivingEvent,
  WhatWeLearned,
  Recommendations,
  FixHeld,
  Step,
  ReflectionPrompt,
  FiveWhys,
  Why,
  Fishbone,
  ApolloChart,
  Cause,
  Discipline,
  A3Section,
  CorrectiveAction,
  Callout,
  a: DocLink,
};
