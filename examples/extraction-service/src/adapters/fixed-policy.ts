import type { ParticipationDecision, ParticipationPolicy, ParticipationRequest } from '../service/ports.js';

/**
 * A fixed participation policy, as the demo uses: every practice takes part (or declines) at every stage. It picks,
 * for each question, the answer whose text is "Yes" (or "No"), else the default answer, else the first. In a real
 * product the question goes to a user at the practice (the Vision "Daybook task" of a Stage 1 notification).
 */
export function fixedParticipationPolicy(participate: boolean): ParticipationPolicy {
  return (request: ParticipationRequest): ParticipationDecision => ({
    participate,
    responses: request.questions.map((question) => {
      if (question.freeText) {
        return {
          questionId: question.questionId,
          answerId: question.freeText.answerId,
          text: participate ? 'Yes' : 'No',
        };
      }
      const wanted = participate ? /^(yes|y)$/i : /^(no|n)$/i;
      const answer =
        question.answers.find((a) => wanted.test(a.text.trim())) ??
        question.answers.find((a) => a.isDefault) ??
        question.answers[0];
      return { questionId: question.questionId, answerId: answer?.answerId ?? '' };
    }),
  });
}
