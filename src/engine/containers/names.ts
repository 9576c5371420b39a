// Container names: docker's rules ([a-zA-Z0-9][a-zA-Z0-9_.-]*) and docker-style defaults (adjective_surname).
import { randomInt } from '../random.js';
import { ConflictError, UsageError } from '../../errors.js';
import { cell } from '../../text/sanitize.js';

const VALID_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const MAX_NAME = 253;

// A subset of moby's names-generator lists.
const ADJECTIVES = [
  'admiring', 'adoring', 'affectionate', 'agitated', 'amazing', 'angry', 'awesome', 'beautiful', 'blissful', 'bold',
  'boring', 'brave', 'busy', 'charming', 'clever', 'compassionate', 'competent', 'condescending', 'confident', 'cool',
  'cranky', 'crazy', 'dazzling', 'determined', 'distracted', 'dreamy', 'eager', 'ecstatic', 'elastic', 'elated',
  'elegant', 'eloquent', 'epic', 'exciting', 'fervent', 'festive', 'flamboyant', 'focused', 'friendly', 'frosty',
  'funny', 'gallant', 'gifted', 'goofy', 'gracious', 'great', 'happy', 'hardcore', 'heuristic', 'hopeful', 'hungry',
  'infallible', 'inspiring', 'intelligent', 'interesting', 'jolly', 'jovial', 'keen', 'kind', 'laughing', 'loving',
  'lucid', 'magical', 'modest', 'musing', 'mystifying', 'naughty', 'nervous', 'nice', 'nifty', 'nostalgic',
  'objective', 'optimistic', 'peaceful', 'pedantic', 'pensive', 'practical', 'priceless', 'quirky', 'quizzical',
  'recursing', 'relaxed', 'reverent', 'romantic', 'sad', 'serene', 'sharp', 'silly', 'sleepy', 'stoic', 'strange',
  'stupefied', 'suspicious', 'sweet', 'tender', 'thirsty', 'trusting', 'unruffled', 'upbeat', 'vibrant', 'vigilant',
  'vigorous', 'wizardly', 'wonderful', 'xenodochial', 'youthful', 'zealous', 'zen',
];
const SURNAMES = [
  'albattani', 'allen', 'almeida', 'archimedes', 'ardinghelli', 'babbage', 'banach', 'bardeen', 'bartik', 'bell',
  'benz', 'bhabha', 'blackwell', 'bohr', 'booth', 'borg', 'bose', 'brahmagupta', 'brattain', 'brown', 'carson',
  'chandrasekhar', 'clarke', 'colden', 'cori', 'cray', 'curie', 'darwin', 'davinci', 'dijkstra', 'dirac', 'easley',
  'edison', 'einstein', 'elion', 'engelbart', 'euclid', 'euler', 'faraday', 'feistel', 'fermat', 'fermi', 'feynman',
  'franklin', 'galileo', 'gates', 'goldberg', 'goldstine', 'goodall', 'hamilton', 'hawking', 'heisenberg', 'hermann',
  'hertz', 'hodgkin', 'hofstadter', 'hopper', 'hugle', 'hypatia', 'jackson', 'jang', 'jennings', 'jepsen', 'johnson',
  'joliot', 'jones', 'kalam', 'kapitsa', 'keller', 'kepler', 'khorana', 'kilby', 'kirch', 'knuth', 'lalande',
  'lamarr', 'lamport', 'leakey', 'leavitt', 'lehmann', 'lewin', 'lichterman', 'liskov', 'lovelace', 'lumiere',
  'mahavira', 'mayer', 'mccarthy', 'mcclintock', 'mclean', 'meitner', 'mendel', 'merkle', 'minsky', 'mirzakhani',
  'morse', 'napier', 'nash', 'neumann', 'newton', 'nobel', 'noether', 'northcutt', 'noyce', 'pascal', 'pasteur',
  'payne', 'perlman', 'pike', 'poincare', 'ptolemy', 'raman', 'ramanujan', 'ride', 'ritchie', 'roentgen', 'rosalind',
  'saha', 'sammet', 'shannon', 'shaw', 'shockley', 'sinoussi', 'snyder', 'spence', 'stonebraker', 'sutherland',
  'swartz', 'tesla', 'thompson', 'torvalds', 'turing', 'varahamihira', 'visvesvaraya', 'volhard', 'wescoff',
  'wiles', 'williams', 'wilson', 'wing', 'wozniak', 'wright', 'yalow', 'yonath',
];

export function validateName(name: string): string {
  const bare = name.startsWith('/') ? name.slice(1) : name; // docker accepts and drops a leading slash
  if (!VALID_NAME.test(bare) || bare.length > MAX_NAME) {
    throw new UsageError(`invalid container name "${cell(name, 100)}": only [a-zA-Z0-9][a-zA-Z0-9_.-]* are allowed`);
  }
  return bare;
}

/** A docker-style name not in `taken` (the caller holds the names lock). */
export function generateName(taken: Set<string>): string {
  for (let attempt = 0; attempt < 100; attempt++) {
    let name = `${ADJECTIVES[randomInt(ADJECTIVES.length)]}_${SURNAMES[randomInt(SURNAMES.length)]}`;
    if (name === 'boring_wozniak') continue; // moby's tradition: Steve Wozniak is not boring
    if (attempt > 10) name += String(randomInt(10)); // as moby, after a few collisions
    if (!taken.has(name)) return name;
  }
  throw new ConflictError('could not find a free container name: choose one with --name');
}
